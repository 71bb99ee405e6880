// containerdConfigPatches / containerdConfigPatchesJSON6902 applied to a node's
// /etc/containerd/config.toml (kind pkg/internal/patch/toml.go, §4.10): the TOML is handled as JSON,
// each TOML merge patch is merged (skipped when it names another config `version`, as kind v0.32
// does, so one cluster config can carry patches for containerd 1.x and 2.x images), then each
// JSON 6902 patch is applied, and the result is written back as TOML.
// Like kind, values only keep what survives JSON: dates become strings, 1.0 becomes 1, nulls vanish.
// The text layout differs from kind's encoder (no indentation of sub-tables), the content does not.

import { parse, stringify, TomlDate } from 'smol-toml'
import { applyJsonPatch, JsonPatchError, toOperations } from './json-patch.js'
import { isJsonObject, newObject, type JsonObject, type JsonValue } from './json.js'
import { mergePatch } from './merge-patch.js'

export const CONTAINERD_CONFIG_PATH = '/etc/containerd/config.toml'
/** Restarts containerd only if it is running, as kind does after patching. */
export const CONTAINERD_RESTART_COMMAND: readonly string[] = ['bash', '-c', '! pgrep --exact containerd || systemctl restart containerd']

export class ContainerdPatchError extends Error {
  override name = 'ContainerdPatchError'
}

// Integers beyond 2^53 stay bigints from parse to stringify; the patchers only move them around.
type TomlValue = JsonValue | bigint

function dateText(d: TomlDate): string {
  // encoding/json's text for Go times: no fractional part when it is zero, no trailing zeros.
  return d.toISOString().replace(/\.(\d*?)0*(?=$|Z|[+-]\d\d:\d\d$)/, (_m, digits: string) => (digits ? `.${digits}` : ''))
}

function fromToml(v: unknown): TomlValue {
  if (v instanceof TomlDate) return dateText(v)
  if (Array.isArray(v)) return v.map((x) => fromToml(x)) as JsonValue[]
  if (typeof v === 'object' && v !== null) {
    const out = newObject()
    for (const [k, x] of Object.entries(v)) out[k] = fromToml(x) as JsonValue
    return out
  }
  return v as TomlValue
}

function parseToml(text: string, what: string): JsonObject {
  try {
    return fromToml(parse(text, { integersAsBigInt: 'asNeeded' })) as JsonObject
  } catch (e) {
    throw new ContainerdPatchError(`${what}: invalid TOML: ${(e as Error).message}`, { cause: e })
  }
}

function versionOf(doc: JsonObject, what: string): number {
  const v = doc.version as TomlValue | undefined
  if (v === undefined) return 0
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new ContainerdPatchError(`${what}: version must be an integer`)
  return v
}

// Sorted keys, as kind's TOML encoder writes them; nulls are dropped like it does.
function toToml(v: TomlValue, path: string): unknown {
  if (Array.isArray(v)) {
    return v.map((x, i) => {
      if (x === null) throw new ContainerdPatchError(`cannot write null at ${path}/${i} as TOML`)
      return toToml(x, `${path}/${i}`)
    })
  }
  if (isJsonObject(v)) {
    const out: Record<string, unknown> = {}
    for (const k of Object.keys(v).sort()) {
      if (v[k] !== null) out[k] = toToml(v[k] as TomlValue, `${path}/${k}`)
    }
    return out
  }
  return v
}

export function patchContainerdConfig(configToml: string, patches: string[], json6902Patches: string[]): string {
  let doc: JsonValue = parseToml(configToml, CONTAINERD_CONFIG_PATH)
  const version = versionOf(doc, CONTAINERD_CONFIG_PATH)
  if (version === 0) throw new ContainerdPatchError(`failed to detect containerd config version in ${CONTAINERD_CONFIG_PATH}`)

  patches.forEach((text, i) => {
    const what = `containerdConfigPatches[${i}]`
    const patch = parseToml(text, what)
    const patchVersion = versionOf(patch, what)
    if (patchVersion !== 0 && patchVersion !== version) return
    doc = mergePatch(doc, patch)
  })

  json6902Patches.forEach((text, i) => {
    const what = `containerdConfigPatchesJSON6902[${i}]`
    let operations
    try {
      // kind decodes these as JSON, not YAML.
      const json = JSON.parse(text) as JsonValue
      // Like the Go library, a `null` patch is an empty one.
      operations = json === null ? [] : toOperations(json)
    } catch (e) {
      throw new ContainerdPatchError(`${what}: not a JSON list of operations: ${(e as Error).message}`, { cause: e })
    }
    try {
      doc = applyJsonPatch(doc, operations)
    } catch (e) {
      if (e instanceof JsonPatchError) throw new ContainerdPatchError(`${what}: ${e.message}`, { cause: e })
      throw e
    }
  })

  if (!isJsonObject(doc)) throw new ContainerdPatchError('the patched containerd config is not a table')
  return stringify(toToml(doc, '') as Record<string, unknown>)
}
