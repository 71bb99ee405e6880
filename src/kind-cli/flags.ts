// Flag values as kind's flag library (spf13/pflag) reads them: the same types, the same spellings
// (`--name x`, `--name=x`, `-n x`, `-nx`, `--internal`, `--internal=false`, `--nodes a,b --nodes c`),
// and the same error messages, since scripts and people read those.

export type FlagType = 'string' | 'bool' | 'strings' | 'duration' | 'int32'

export interface FlagSpec {
  name: string
  short?: string
  type: FlagType
  usage: string
  /** The default as pflag prints it: '' for no string, 'false', '0', '[]', '0s'. */
  defaultValue?: string
}

export type FlagValue = string | boolean | string[] | number

/** A flag error worded as pflag words it (kind prints it after "ERROR: "). */
export class FlagError extends Error {
  override name = 'FlagError'
}

const DURATION_UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, μs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 }

/** Go's time.ParseDuration, in milliseconds, with Go's error messages. */
export function parseGoDuration(text: string): number {
  const invalid = (): FlagError => new FlagError(`time: invalid duration ${JSON.stringify(text)}`)
  let rest = text
  let sign = 1
  if (rest.startsWith('-') || rest.startsWith('+')) {
    sign = rest[0] === '-' ? -1 : 1
    rest = rest.slice(1)
  }
  if (rest === '0') return 0
  if (rest === '') throw invalid()
  let total = 0
  while (rest !== '') {
    const number = /^(\d*)(\.\d*)?/.exec(rest)![0]
    if (number === '' || number === '.') throw invalid()
    rest = rest.slice(number.length)
    const unit = /^[^\d.]*/.exec(rest)![0]
    if (unit === '') throw new FlagError(`time: missing unit in duration ${JSON.stringify(text)}`)
    const factor = DURATION_UNITS[unit]
    if (factor === undefined) throw new FlagError(`time: unknown unit ${JSON.stringify(unit)} in duration ${JSON.stringify(text)}`)
    total += Number(number) * factor
    rest = rest.slice(unit.length)
  }
  return sign * total
}

/** Go's Duration.String() for whole milliseconds and up: 0s, 1.5s, 2m0s, 1h30m0s. */
export function formatGoDuration(ms: number): string {
  if (ms === 0) return '0s'
  const sign = ms < 0 ? '-' : ''
  let rest = Math.abs(ms)
  if (rest < 1000) return `${sign}${rest}ms`
  const hours = Math.floor(rest / 3_600_000)
  rest -= hours * 3_600_000
  const minutes = Math.floor(rest / 60_000)
  rest -= minutes * 60_000
  const seconds = `${Number((rest / 1000).toFixed(3))}s`
  if (hours) return `${sign}${hours}h${minutes}m${seconds}`
  if (minutes) return `${sign}${minutes}m${seconds}`
  return `${sign}${seconds}`
}

/** strconv.ParseBool's accepted spellings. */
const TRUE = ['1', 't', 'T', 'TRUE', 'true', 'True']
const FALSE = ['0', 'f', 'F', 'FALSE', 'false', 'False']

/** One flag value from its text; `previous` is the value so far (string slices append). */
export function convertFlag(spec: FlagSpec, text: string, previous: FlagValue | undefined, spelled: string): FlagValue {
  const bad = (reason: string): FlagError => new FlagError(`invalid argument ${JSON.stringify(text)} for ${JSON.stringify(spelled)} flag: ${reason}`)
  switch (spec.type) {
    case 'string':
      return text
    case 'bool':
      if (TRUE.includes(text)) return true
      if (FALSE.includes(text)) return false
      throw bad(`strconv.ParseBool: parsing ${JSON.stringify(text)}: invalid syntax`)
    case 'strings': {
      // pflag reads the value as one CSV record; repeating the flag appends.
      const items = text === '' ? [] : text.split(',').map(s => s.trim())
      return [...((previous as string[] | undefined) ?? []), ...items]
    }
    case 'duration':
      try {
        return parseGoDuration(text)
      } catch (error) {
        throw bad((error as Error).message)
      }
    case 'int32': {
      if (!/^[+-]?\d+$/.test(text) || Math.abs(Number(text)) > 2 ** 31) {
        throw bad(`strconv.ParseInt: parsing ${JSON.stringify(text)}: ${/^[+-]?\d+$/.test(text) ? 'value out of range' : 'invalid syntax'}`)
      }
      return Number(text)
    }
  }
}

/** The value a flag has when it is not given. */
export function defaultFlagValue(spec: FlagSpec): FlagValue {
  switch (spec.type) {
    case 'string':
      return spec.defaultValue ?? ''
    case 'bool':
      return spec.defaultValue === 'true'
    case 'strings':
      return []
    case 'duration':
      return spec.defaultValue ? parseGoDuration(spec.defaultValue) : 0
    case 'int32':
      return Number(spec.defaultValue ?? 0)
  }
}
