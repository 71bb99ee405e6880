// The readers every input parser shares (the main and post steps' and the sub-actions'): one kind of value
// each, with the same rules (true/yes/1, false/no/0) and messages that name the input. Kept apart from
// inputs.ts so a sub-action's bundle does not carry the main step's parsing.

export type Reader = (name: string) => string

/** kind's rule for cluster names (they start container names and contexts). */
export const CLUSTER_NAME = /^[a-z0-9.-]+$/

/** Readers of one kind of value each; every problem is pushed onto `problems`, naming the input. */
export function fieldReaders(read: Reader, problems: string[]) {
  const text = (name: string): string => read(name).trim()
  const bool = (name: string, fallback: boolean): boolean => {
    const value = text(name).toLowerCase()
    if (value === '') return fallback
    if (['true', 'yes', '1'].includes(value)) return true
    if (['false', 'no', '0'].includes(value)) return false
    problems.push(`${name}: "${read(name)}" is not a boolean; use true or false`)
    return fallback
  }
  const count = (name: string, min: number, max: number): number | undefined => {
    const value = text(name)
    if (value === '') return undefined
    if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
      problems.push(`${name}: "${value}" is not a whole number from ${min} to ${max}`)
      return undefined
    }
    return Number(value)
  }
  const oneOf = <T extends string>(name: string, allowed: readonly T[], fallback: T): T => {
    const value = text(name).toLowerCase()
    if (value === '') return fallback
    if ((allowed as readonly string[]).includes(value)) return value as T
    problems.push(`${name}: "${text(name)}" is not accepted; use one of ${allowed.join(', ')}`)
    return fallback
  }
  const clusterName = (): string => {
    const value = text('cluster_name')
    if (value && !CLUSTER_NAME.test(value)) {
      problems.push(`cluster_name: "${value}" may only contain lower-case letters, digits, "." and "-"`)
    }
    return value
  }
  return { text, bool, count, oneOf, clusterName }
}
