// kind v0.32's special handling of kubeadm fields before a merge patch is applied
// (pkg/internal/patch/kubeadm_merge.go). A plain RFC 7386 merge would replace lists wholesale,
// which made patches that add one SAN or one extra argument drop kind's own entries:
// - any `certSANs` list in the patch is appended to the target's (entries not already present);
// - with a v1beta4 target, `extraArgs`/`kubeletExtraArgs` lists are merged by `name`: a known name
//   gets the new value, an unknown one is appended, `value: null` removes it; a patch without
//   apiVersion may still use the v1beta3 map form, which is converted to the list form first.
// The handled fields are removed from the patch, and the rest goes through the normal merge.

import { deepEqual, isJsonObject, newObject, type JsonObject, type JsonValue } from './json.js'

const EXTRA_ARGS_KEYS = new Set(['extraArgs', 'kubeletExtraArgs'])

// Go ranges over a map here, so kind's order is random; sorted keeps ours reproducible.
function mapToArgList(m: JsonObject): JsonValue[] | null {
  const keys = Object.keys(m).sort()
  if (keys.length === 0) return null
  return keys.map((name) => {
    const item = newObject()
    item.name = name
    item.value = m[name] as JsonValue
    return item
  })
}

function argName(item: JsonValue): string | undefined {
  return isJsonObject(item) && typeof item.name === 'string' ? item.name : undefined
}

function mergeExtraArgs(target: JsonObject, patch: JsonObject, key: string, patchAPIVersion: string): void {
  const p = patch[key] as JsonValue
  let patchList: JsonValue[] = []
  if (Array.isArray(p)) patchList = p
  else if (patchAPIVersion === '' && isJsonObject(p)) patchList = mapToArgList(p) ?? []

  const t = Object.hasOwn(target, key) ? (target[key] as JsonValue) : null
  let list: JsonValue[] | null = null
  if (Array.isArray(t)) list = t
  else if (isJsonObject(t)) list = mapToArgList(t)

  for (const item of patchList) {
    const name = argName(item)
    if (name === undefined) continue
    const value = (item as JsonObject).value ?? null
    const found = list ? list.findIndex((x) => argName(x) === name) : -1
    if (found >= 0) {
      if (value === null) (list as JsonValue[]).splice(found, 1)
      else ((list as JsonValue[])[found] as JsonObject).value = value
    } else if (value !== null) {
      const added = newObject()
      added.name = name
      added.value = value
      list = [...(list ?? []), added]
    }
  }
  target[key] = list
}

function mergeCertSANs(target: JsonObject, patch: JsonObject, key: string): void {
  const t = target[key]
  const p = patch[key]
  let list: JsonValue[] | null = Array.isArray(t) ? t : null
  for (const item of Array.isArray(p) ? p : []) {
    if (!(list ?? []).some((x) => deepEqual(x, item))) list = [...(list ?? []), item]
  }
  target[key] = list
}

function walk(target: JsonObject, patch: JsonObject, targetAPIVersion: string, patchAPIVersion: string): void {
  for (const key of Object.keys(patch)) {
    if (EXTRA_ARGS_KEYS.has(key)) {
      if (targetAPIVersion.endsWith('v1beta4')) {
        mergeExtraArgs(target, patch, key, patchAPIVersion)
        delete patch[key]
      }
      continue
    }
    if (key === 'certSANs') {
      mergeCertSANs(target, patch, key)
      delete patch[key]
      continue
    }
    const p = patch[key] as JsonValue
    if (isJsonObject(p)) {
      if (!Object.hasOwn(target, key)) target[key] = newObject()
      const t = target[key] as JsonValue
      if (isJsonObject(t)) walk(t, p, targetAPIVersion, patchAPIVersion)
    }
  }
}

/**
 * Mutates both arguments: merges the special fields into `target` and strips them from `patch`,
 * which is then ready for an ordinary merge patch.
 */
export function kubeadmPreMerge(target: JsonObject, patch: JsonObject, targetAPIVersion: string, patchAPIVersion: string): void {
  walk(target, patch, targetAPIVersion, patchAPIVersion)
}
