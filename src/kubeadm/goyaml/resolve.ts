// How go-yaml v2 (the YAML library under sigs.k8s.io/yaml, which kind uses for every kubeadm
// document) decides what an unquoted scalar means. It implements YAML 1.1, so `yes`, `on`, `y`,
// `0o17`, `0x1F`, `1_000` and dates are not plain strings. The same rules decide, on output, whether
// a string must be quoted: go-yaml quotes exactly the strings that would not read back as strings.

export type ResolvedTag = 'str' | 'bool' | 'int' | 'float' | 'null' | 'timestamp' | 'merge'

export interface Resolved {
  tag: ResolvedTag
  /** number for int/float (int64/uint64 beyond 2^53 lose precision), string for str/timestamp/merge. */
  value: string | number | boolean | null
}

const TRUE = ['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']
const FALSE = ['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']
const NULL = ['', '~', 'null', 'Null', 'NULL']

const KEYWORDS = new Map<string, Resolved>([
  ...TRUE.map((s): [string, Resolved] => [s, { tag: 'bool', value: true }]),
  ...FALSE.map((s): [string, Resolved] => [s, { tag: 'bool', value: false }]),
  ...NULL.map((s): [string, Resolved] => [s, { tag: 'null', value: null }]),
  ...['.nan', '.NaN', '.NAN'].map((s): [string, Resolved] => [s, { tag: 'float', value: Number.NaN }]),
  ...['.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF'].map(
    (s): [string, Resolved] => [s, { tag: 'float', value: Number.POSITIVE_INFINITY }]
  ),
  ...['-.inf', '-.Inf', '-.INF'].map((s): [string, Resolved] => [s, { tag: 'float', value: Number.NEGATIVE_INFINITY }]),
  ['<<', { tag: 'merge', value: '<<' }]
])

// go-yaml only tries the typed interpretations when the first character hints at one.
type Hint = 'sign' | 'digit' | 'map' | 'dot' | undefined
function hintOf(s: string): Hint {
  if (s === '') return 'map'
  const c = s[0] as string
  if (c === '+' || c === '-') return 'sign'
  if (c >= '0' && c <= '9') return 'digit'
  if ('yYnNtTfFoO~'.includes(c)) return 'map'
  if (c === '.') return 'dot'
  return undefined
}

const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/

const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n
const UINT64_MAX = 2n ** 64n - 1n

/** Go's strconv.ParseInt/ParseUint with base 0: sign, then 0b/0o/0x/0 prefixes; undefined on failure. */
function parseGoInteger(s: string, signed: boolean): bigint | undefined {
  const m = /^([+-]?)(0[bB][01]+|0[oO][0-7]+|0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/.exec(s)
  if (!m) return undefined
  const sign = m[1] as string
  if (!signed && sign !== '') return undefined
  let body = m[2] as string
  let n: bigint
  if (/^0[oO]/.test(body)) n = BigInt('0o' + body.slice(2))
  else if (/^0[0-7]+$/.test(body)) n = BigInt('0o' + body.slice(1))
  else {
    if (/^0[bBxX]/.test(body)) body = '0' + (body[1] as string).toLowerCase() + body.slice(2)
    n = BigInt(body)
  }
  if (sign === '-') n = -n
  if (signed ? n < INT64_MIN || n > INT64_MAX : n > UINT64_MAX) return undefined
  return n
}

/** Go's strconv.ParseFloat for the decimal forms that can reach it here; undefined on failure. */
function parseGoFloat(s: string): number | undefined {
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) return undefined
  const v = Number(s)
  // Go reports a range error (and go-yaml then gives up on the float reading) on overflow.
  return Number.isFinite(v) ? v : undefined
}

function daysIn(month: number, year: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28
  return [4, 6, 9, 11].includes(month) ? 30 : 31
}

// The four layouts go-yaml v2 tries with time.Parse. time.Parse accepts 1- or 2-digit fields for
// these layouts and validates ranges, and accepts fractional seconds after the seconds field.
const TIMESTAMP_LAYOUTS = [
  /^(\d{4})-(\d{1,2})-(\d{1,2})[Tt](\d{1,2}):(\d{1,2}):(\d{1,2})(\.\d+)?(Z|[+-]\d{2}:\d{2})$/,
  /^(\d{4})-(\d{1,2})-(\d{1,2}) (\d{1,2}):(\d{1,2}):(\d{1,2})(\.\d+)?$/,
  /^(\d{4})-(\d{1,2})-(\d{1,2})$/
]

export function isGoTimestamp(s: string): boolean {
  if (!/^\d{4}-/.test(s)) return false
  for (const layout of TIMESTAMP_LAYOUTS) {
    const m = layout.exec(s)
    if (!m) continue
    const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])]
    if (month < 1 || month > 12 || day < 1 || day > daysIn(month, year)) continue
    if (m[4] !== undefined) {
      if (Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[6]) > 59) continue
      const zone = m[8]
      if (zone !== undefined && zone !== 'Z') {
        const [zh, zm] = zone.slice(1).split(':').map(Number) as [number, number]
        if (zh > 24 || zm > 59) continue
      }
    }
    return true
  }
  return false
}

function intResult(n: bigint): Resolved {
  return { tag: 'int', value: Number(n) }
}

/** go-yaml v2 `resolve("", s)`: the meaning of an untagged plain scalar. */
export function resolvePlain(s: string): Resolved {
  const hint = hintOf(s)
  if (hint === undefined) return { tag: 'str', value: s }
  const keyword = KEYWORDS.get(s)
  if (keyword) return keyword
  switch (hint) {
    case 'map':
      break
    case 'dot': {
      const v = parseGoFloat(s)
      if (v !== undefined) return { tag: 'float', value: v }
      break
    }
    case 'digit':
    case 'sign': {
      if (isGoTimestamp(s)) return { tag: 'timestamp', value: s }
      const plain = s.replaceAll('_', '')
      const signed = parseGoInteger(plain, true)
      if (signed !== undefined) return intResult(signed)
      const unsigned = parseGoInteger(plain, false)
      if (unsigned !== undefined) return intResult(unsigned)
      if (YAML_STYLE_FLOAT.test(plain)) {
        const v = parseGoFloat(plain)
        if (v !== undefined) return { tag: 'float', value: v }
      }
      const bin = /^(-?)0b([01]+)$/.exec(plain)
      if (bin) {
        const n = BigInt('0b' + (bin[2] as string)) * (bin[1] === '-' ? -1n : 1n)
        if (n >= INT64_MIN && n <= UINT64_MAX) return intResult(n)
      }
      break
    }
  }
  return { tag: 'str', value: s }
}

// go-yaml quotes strings that look like YAML 1.1 base-60 floats (`1:20`) although it no longer reads
// them as numbers, for the sake of other parsers.
const BASE60_FLOAT = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/

export function isBase60Float(s: string): boolean {
  if (s === '') return false
  const c = s[0] as string
  if (!(c === '+' || c === '-' || (c >= '0' && c <= '9')) || !s.includes(':')) return false
  return BASE60_FLOAT.test(s)
}

/** Whether go-yaml would write this string without quotes (before the emitter's own checks). */
export function plainResolvesToString(s: string): boolean {
  return resolvePlain(s).tag === 'str' && !isBase60Float(s)
}
