// The order in which go-yaml v2 writes map keys. It is not plain code-unit order: runs of digits
// compare as numbers (`v9` < `v10`) and non-letters sort before letters (`a_b` < `aB`).

const LETTER = /\p{L}/u
const DIGIT = /\p{Nd}/u

function isLetter(c: string): boolean {
  return LETTER.test(c)
}
function isDigit(c: string): boolean {
  return DIGIT.test(c)
}
function digitValue(c: string): bigint {
  return BigInt((c.codePointAt(0) as number) - 48)
}

/** go-yaml v2 keyList.Less for two string keys. */
export function goKeyLess(a: string, b: string): boolean {
  const ar = Array.from(a)
  const br = Array.from(b)
  for (let i = 0; i < ar.length && i < br.length; i++) {
    const ac = ar[i] as string
    const bc = br[i] as string
    if (ac === bc) continue
    const al = isLetter(ac)
    const bl = isLetter(bc)
    if (al && bl) return (ac.codePointAt(0) as number) < (bc.codePointAt(0) as number)
    if (al || bl) return bl
    let an = 0n
    let bn = 0n
    if (ac === '0' || bc === '0') {
      // A zero inside a number that already started with a non-zero digit is part of that number.
      for (let j = i - 1; j >= 0 && isDigit(ar[j] as string); j--) {
        if (ar[j] !== '0') {
          an = 1n
          bn = 1n
          break
        }
      }
    }
    let ai = i
    // Go accumulates in an int64 and silently wraps around on long digit runs.
    for (; ai < ar.length && isDigit(ar[ai] as string); ai++) an = BigInt.asIntN(64, an * 10n + digitValue(ar[ai] as string))
    let bi = i
    for (; bi < br.length && isDigit(br[bi] as string); bi++) bn = BigInt.asIntN(64, bn * 10n + digitValue(br[bi] as string))
    if (an !== bn) return an < bn
    if (ai !== bi) return ai < bi
    return (ac.codePointAt(0) as number) < (bc.codePointAt(0) as number)
  }
  return ar.length < br.length
}

export function goSortKeys(keys: string[]): string[] {
  return [...keys].sort((x, y) => (goKeyLess(x, y) ? -1 : goKeyLess(y, x) ? 1 : 0))
}
