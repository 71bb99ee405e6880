// One pass of kind's `patch.KubeYAML`: split a YAML stream into documents, apply every matching
// merge patch and then every matching JSON 6902 patch to each document, and write each document
// back through JSON (so keys come out sorted and quoting normalised), joined by `---\n`.
// Patches are matched on `kind` and `apiVersion` only; those that match nothing are ignored.

import type { PatchJSON6902 } from '../config/types.js'
import { decodeYAML } from './goyaml/decode.js'
import { encodeYAML } from './goyaml/encode.js'
import { formatFloat32Key } from './goyaml/float.js'
import { applyJsonPatch, JsonPatchError, toOperations, type JsonPatchOperation } from './json-patch.js'
import { deepClone, isJsonObject, type JsonValue } from './json.js'
import { kubeadmPreMerge } from './kubeadm-merge.js'
import { mergePatch } from './merge-patch.js'

export class PatchError extends Error {
  override name = 'PatchError'
  constructor(
    /** Which patch, e.g. `kubeadmConfigPatchesJSON6902[1]` or `nodes[2].kubeadmConfigPatches[0]`. */
    readonly patch: string,
    message: string,
    options?: { cause?: unknown }
  ) {
    super(`${patch}: ${message}`, options)
  }
}

/**
 * Splits a YAML stream where a line starts with `---`, as kind's splitter does: the rest of that
 * line is discarded, and (a quirk kept on purpose) if the stream ends in such a line without a
 * newline and with more text after the dashes, everything from the last complete document on is dropped.
 */
export function splitYAMLDocuments(stream: string): string[] {
  const docs: string[] = []
  let data = stream
  while (data.length > 0) {
    const i = data.indexOf('\n---')
    if (i < 0) {
      docs.push(data)
      break
    }
    const after = data.slice(i + 4)
    if (after.length === 0) {
      docs.push(data.slice(0, i))
      break
    }
    const nl = after.indexOf('\n')
    if (nl < 0) break
    docs.push(data.slice(0, i))
    data = after.slice(nl + 1)
  }
  return docs
}

export interface MatchInfo {
  kind: string
  apiVersion: string
}

// kind reads these two fields with encoding/json rules: a case-insensitive key also matches, and a
// number or boolean is accepted as its text.
function typeMetaField(doc: JsonValue, field: string): string {
  if (!isJsonObject(doc)) return ''
  const key = Object.hasOwn(doc, field)
    ? field
    : Object.keys(doc)
        .sort()
        .reverse()
        .find((k) => k.toLowerCase() === field.toLowerCase())
  const v = key === undefined ? null : (doc[key] as JsonValue)
  if (v === null) return ''
  if (typeof v === 'string') return v
  if (typeof v === 'boolean') return v ? 'true' : 'false'
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : formatFloat32Key(v)
  throw new Error(`${field} must be a string`)
}

export function matchInfoOf(doc: JsonValue): MatchInfo {
  if (doc !== null && !isJsonObject(doc)) throw new Error('a document must be a YAML mapping to be matched by kind and apiVersion')
  return { kind: typeMetaField(doc, 'kind'), apiVersion: typeMetaField(doc, 'apiVersion') }
}

function matches(resource: MatchInfo, patch: MatchInfo): boolean {
  return resource.kind === patch.kind && (patch.apiVersion === '' || resource.apiVersion === patch.apiVersion)
}

function describe(m: MatchInfo): string {
  return m.apiVersion ? `${m.apiVersion} ${m.kind}` : m.kind || 'a document without kind'
}

interface ParsedMergePatch {
  label: string
  json: JsonValue
  match: MatchInfo
}

interface ParsedJSON6902 {
  label: string
  operations: JsonPatchOperation[]
  match: MatchInfo
}

export interface PatchLabels {
  /** Name of the merge patch list in the config, e.g. `kubeadmConfigPatches`. */
  merge: string
  /** Name of the JSON 6902 patch list in the config, e.g. `kubeadmConfigPatchesJSON6902`. */
  json6902: string
}

const DEFAULT_LABELS: PatchLabels = { merge: 'kubeadmConfigPatches', json6902: 'kubeadmConfigPatchesJSON6902' }

function parseMergePatches(patches: string[], labels: PatchLabels): ParsedMergePatch[] {
  return patches.flatMap((text, i) => {
    const docs = splitYAMLDocuments(text)
    return docs.map((raw, d) => {
      const label = docs.length > 1 ? `${labels.merge}[${i}] (document ${d + 1})` : `${labels.merge}[${i}]`
      try {
        const json = decodeYAML(raw)
        return { label, json, match: matchInfoOf(json) }
      } catch (e) {
        throw new PatchError(label, `cannot parse: ${(e as Error).message}`, { cause: e })
      }
    })
  })
}

function parseJSON6902Patches(patches: PatchJSON6902[], labels: PatchLabels): ParsedJSON6902[] {
  return patches.map((p, i) => {
    const label = `${labels.json6902}[${i}]`
    let operations: JsonPatchOperation[]
    try {
      const json = decodeYAML(p.patch)
      // An empty patch decodes to null, which the Go library reads as no operations.
      operations = json === null ? [] : toOperations(json)
    } catch (e) {
      throw new PatchError(label, `cannot parse: ${(e as Error).message}`, { cause: e })
    }
    const apiVersion = p.group === '' ? p.version : `${p.group}/${p.version}`
    return { label, operations, match: { kind: p.kind, apiVersion } }
  })
}

interface Resource {
  json: JsonValue
  match: MatchInfo
}

function applyMerge(r: Resource, p: ParsedMergePatch): void {
  if (!isJsonObject(p.json)) throw new PatchError(p.label, 'a merge patch must be a YAML mapping')
  if (!isJsonObject(r.json)) throw new PatchError(p.label, `cannot merge into ${describe(r.match)}: not a mapping`)
  const target = deepClone(r.json)
  const patch = deepClone(p.json)
  kubeadmPreMerge(target, patch, r.match.apiVersion, p.match.apiVersion)
  r.json = mergePatch(target, patch)
}

function applyJSON6902(r: Resource, p: ParsedJSON6902): void {
  try {
    r.json = applyJsonPatch(r.json, p.operations)
  } catch (e) {
    if (e instanceof JsonPatchError) throw new PatchError(p.label, `${describe(r.match)}: ${e.message}`, { cause: e })
    throw e
  }
}

/**
 * Applies one pass of patches to a YAML stream and returns the re-encoded stream. Parsing errors in
 * any patch are raised even when it matches nothing, as kind does.
 */
export function kubeYAML(
  toPatch: string,
  mergePatches: string[],
  json6902Patches: PatchJSON6902[],
  labels: PatchLabels = DEFAULT_LABELS
): string {
  const resources: Resource[] = splitYAMLDocuments(toPatch).map((raw) => {
    const json = decodeYAML(raw)
    return { json, match: matchInfoOf(json) }
  })
  const merges = parseMergePatches(mergePatches, labels)
  const jsons = parseJSON6902Patches(json6902Patches, labels)
  return resources
    .map((r) => {
      for (const p of merges) if (matches(r.match, p.match)) applyMerge(r, p)
      for (const p of jsons) if (matches(r.match, p.match)) applyJSON6902(r, p)
      return encodeYAML(r.json)
    })
    .join('---\n')
}
