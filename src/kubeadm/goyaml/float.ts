// Go's strconv.FormatFloat(f, 'g', -1, bits), which go-yaml uses for floats and sigs.k8s.io/yaml
// for float map keys. It differs from JavaScript's Number#toString: exponents have at least two
// digits and the exponent form starts at 1e+06 or below 1e-04 (JS: 1e+21 and 1e-7).

interface Decimal {
  digits: string
  /** Position of the decimal point relative to the start of `digits`. */
  point: number
}

function shortestDecimal(abs: number, bits: 32 | 64): Decimal {
  let exp = ''
  if (bits === 64) {
    exp = abs.toExponential()
  } else {
    const target = Math.fround(abs)
    for (let p = 1; p <= 9; p++) {
      exp = target.toExponential(p - 1)
      if (Math.fround(Number(exp)) === target) break
    }
  }
  const [mantissa, e] = exp.split('e') as [string, string]
  const digits = mantissa.replace('.', '').replace(/0+$/, '') || '0'
  return { digits, point: Number(e) + 1 }
}

function formatG(neg: boolean, { digits, point }: Decimal): string {
  const sign = neg ? '-' : ''
  const exp = point - 1
  if (exp < -4 || exp >= 6) {
    const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits
    const e = Math.abs(exp)
    return `${sign}${mantissa}e${exp < 0 ? '-' : '+'}${e < 10 ? '0' : ''}${e}`
  }
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`
  if (point >= digits.length) return `${sign}${digits}${'0'.repeat(point - digits.length)}`
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`
}

function special(f: number): string | undefined {
  if (Number.isNaN(f)) return '.nan'
  if (f === Number.POSITIVE_INFINITY) return '.inf'
  if (f === Number.NEGATIVE_INFINITY) return '-.inf'
  if (f === 0) return Object.is(f, -0) ? '-0' : '0'
  return undefined
}

/** go-yaml's rendering of a float64 value. */
export function formatFloat64(f: number): string {
  return special(f) ?? formatG(f < 0, shortestDecimal(Math.abs(f), 64))
}

/** sigs.k8s.io/yaml's rendering of a float map key (formatted as a float32). */
export function formatFloat32Key(f: number): string {
  return special(f) ?? formatG(f < 0, shortestDecimal(Math.abs(f), 32))
}
