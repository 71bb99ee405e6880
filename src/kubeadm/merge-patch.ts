// RFC 7386 JSON merge patch. Where the library kind uses (evanphx/json-patch/v5 v5.6.0) differs
// in a way a kind config can observe, this follows the library:
// - a value that is inserted rather than merged has its null members pruned, also inside objects
//   nested in arrays (the RFC keeps everything inside arrays; arrays keep their own null elements);
// - an array that replaces an object is inserted as it is, without pruning.
// At the top level a non-object patch replaces the document, as the RFC says (the library raises an
// error instead, but kind never gets there: it rejects such patches earlier).

import { deepClone, isJsonObject, type JsonObject, type JsonValue } from './json.js'

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
  if (!isJsonObject(patch)) return deepClone(patch)
  const p = deepClone(patch)
  if (!isJsonObject(doc)) return prune(p)
  const d = deepClone(doc)
  mergeObjects(d, p)
  return d
}
