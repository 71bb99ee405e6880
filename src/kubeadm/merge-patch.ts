// RFC 7386 JSON merge patch, with the details of the library kind uses
// (github.com/evanphx/json-patch/v5 v5.6.0, MergePatch):
// - a value that is inserted rather than merged has its null members pruned, also inside objects
//   nested in arrays (arrays keep their own null elements);
// - an array that replaces an object is inserted as it is, without pruning;
// - a patch that is not an object replaces the document; a null patch or document is an error.

import { deepClone, isJsonObject, type JsonObject, type JsonValue } from './json.js'

export class MergePatchError extends Error {
  override name = 'MergePatchError'
}

function prune(v: JsonValue): JsonValue {
  if (isJsonObject(v)) {
    for (const k of Object.keys(v)) {
      if (v[k] === null) delete v[k]
      else prune(v[k] as JsonValue)
    }
  } else if (Array.isArray(v)) {
    for (const item of v) if (item !== null) prune(item)
  }
  return v
}

function mergeValue(current: JsonValue, patch: JsonValue): JsonValue {
  if (!isJsonObject(current)) return prune(patch)
  if (!isJsonObject(patch)) return patch
  mergeObjects(current, patch)
  return current
}

function mergeObjects(doc: JsonObject, patch: JsonObject): void {
  for (const k of Object.keys(patch)) {
    const v = patch[k] as JsonValue
    if (v === null) {
      delete doc[k]
    } else if (!Object.hasOwn(doc, k) || doc[k] === null) {
      doc[k] = prune(v)
    } else {
      doc[k] = mergeValue(doc[k] as JsonValue, v)
    }
  }
}

/** Returns the patched document; neither argument is modified. */
export function mergePatch(doc: JsonValue, patch: JsonValue): JsonValue {
  if (patch === null) throw new MergePatchError('Invalid JSON Patch')
  if (doc === null) throw new MergePatchError('Invalid JSON Document')
  const p = deepClone(patch)
  if (isJsonObject(doc) && isJsonObject(p)) {
    const d = deepClone(doc)
    mergeObjects(d, p)
    return d
  }
  if (isJsonObject(p) || Array.isArray(p)) return prune(p)
  throw new MergePatchError('Invalid JSON Patch')
}
