// A JSON value encoded as Go's encoding/json encodes what it decoded into interface{}: object keys in
// byte order, and `<`, `>`, `&`, U+2028 and U+2029 escaped (json.Marshal's HTML-safe default). Where
// Kubernetes tools store JSON text (kubectl's last-applied-configuration), ours must be the same bytes.
import { isJsonObject, type JsonValue } from './json.js'

const GO_ESCAPES: Record<string, string> = { '<': '\\u003c', '>': '\\u003e', '&': '\\u0026', '\u2028': '\\u2028', '\u2029': '\\u2029' }

function goString(s: string): string {
  // JSON.stringify already escapes as Go does otherwise (\b \f \n \r \t short, other controls \u00xx).
  return JSON.stringify(s).replace(/[<>&\u2028\u2029]/g, c => GO_ESCAPES[c]!)
}

const byteOrder = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b))

export function goJson(value: JsonValue): string {
  if (Array.isArray(value)) return `[${value.map(goJson).join(',')}]`
  if (isJsonObject(value)) {
    const keys = Object.keys(value).sort(byteOrder)
    return `{${keys.map(k => `${goString(k)}:${goJson(value[k]!)}`).join(',')}}`
  }
  if (typeof value === 'string') return goString(value)
  return JSON.stringify(value)
}
