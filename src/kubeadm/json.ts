// The value model shared by the YAML codec and the patchers: what encoding/json produces when it
// decodes into interface{} (objects, arrays, strings, numbers, booleans, null).

export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject
export interface JsonObject {
  [key: string]: JsonValue
}

export function isJsonObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

export function deepEqual(a: JsonValue, b: JsonValue): boolean {
  if (a === b) return true
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i] as JsonValue))
  }
  if (isJsonObject(a) && isJsonObject(b)) {
    const ka = Object.keys(a)
    if (ka.length !== Object.keys(b).length) return false
    return ka.every((k) => Object.hasOwn(b, k) && deepEqual(a[k] as JsonValue, b[k] as JsonValue))
  }
  return false
}

export function deepClone<T extends JsonValue>(v: T): T {
  if (Array.isArray(v)) return v.map((x) => deepClone(x)) as T
  if (isJsonObject(v)) {
    const out = newObject()
    for (const k of Object.keys(v)) out[k] = deepClone(v[k] as JsonValue)
    return out as T
  }
  return v
}

/** An object without a prototype, so that keys such as `__proto__` behave like any other key. */
export function newObject(): JsonObject {
  return Object.create(null) as JsonObject
}
