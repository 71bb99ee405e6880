// Typed, strict reading of a parsed YAML document, following the decoding rules of Go's yaml.v3
// (what kind uses), and recording every problem with the path of the offending field instead of
// stopping at the first one. Working on the AST rather than on toJS() keeps the source text of
// scalars (`version: 1.20` is the string "1.20" for Go, not 1.2) and lets us see aliases and
// merge keys.

import { isAlias, isMap, isScalar, isSeq, type Document, type Scalar, type YAMLMap, type YAMLSeq } from 'yaml'
import { fieldPath, indexPath, keyPath } from './field-path.js'
import { closestName } from './suggest.js'

/** An alias-free YAML value; null stands for an absent value or an explicit null. */
export type YamlValue = Scalar | YAMLMap | YAMLSeq

/** Reads one known field of a mapping; it is only called for values that are not null. */
export type FieldReader = (value: YamlValue, path: string) => void

// yaml.v3 gives these YAML 1.1 words their boolean meaning when the target is a bool.
const YAML11_TRUE = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'on', 'On', 'ON'])
const YAML11_FALSE = new Set(['n', 'N', 'no', 'No', 'NO', 'off', 'Off', 'OFF'])

const INT32_MIN = -(2 ** 31)
const INT32_MAX = 2 ** 31 - 1

/** A long string (a whole file read as YAML, say) is quoted by its start and its length only. */
function shortQuote(text: string): string {
  return text.length <= 80 ? JSON.stringify(text) : `${JSON.stringify(text.slice(0, 60))}… (${text.length} characters)`
}

export function describe(value: YamlValue | null): string {
  if (value === null) return 'null'
  if (isMap(value)) return 'a mapping'
  if (isSeq(value)) return 'a list'
  const scalar = value.value
  if (typeof scalar === 'string') return `string ${shortQuote(scalar)}`
  if (typeof scalar === 'number' || typeof scalar === 'bigint') return `number ${scalarText(value)}`
  if (typeof scalar === 'boolean') return `boolean ${scalarText(value)}`
  return 'a value'
}

function scalarText(scalar: Scalar): string {
  if (typeof scalar.value === 'string') return scalar.value
  return scalar.source ?? String(scalar.value)
}

export class YamlReader {
  readonly problems: string[] = []

  constructor(private readonly doc: Document) {}

  report(path: string, message: string): void {
    this.problems.push(path === '' ? message : `${path}: ${message}`)
  }

  /** Follows aliases; `path` locates an alias that refers to no anchor (the parser lets that pass). */
  resolve(value: unknown, path?: string): YamlValue | null {
    const node = isAlias(value) ? value.resolve(this.doc) : value
    if (isAlias(value) && node === undefined && path !== undefined) {
      this.report(path, `alias *${value.source} refers to no anchor defined before it`)
    }
    if (isMap(node) || isSeq(node)) return node
    if (isScalar(node) && node.value !== null && node.value !== undefined) return node
    return null
  }

  /** Like Go: any scalar becomes its text (`tier: 1` is "1"); null is "". */
  string(value: YamlValue | null, path: string): string | undefined {
    if (value === null) return ''
    if (isScalar(value)) return scalarText(value)
    this.report(path, `expected a string, got ${describe(value)}`)
    return undefined
  }

  /** An integer that fits Go's int32; null is 0. */
  int32(value: YamlValue | null, path: string): number | undefined {
    if (value === null) return 0
    if (isScalar(value) && typeof value.value === 'number' && Number.isInteger(value.value)) {
      if (value.value < INT32_MIN || value.value > INT32_MAX) {
        this.report(path, `${scalarText(value)} does not fit in a 32-bit integer`)
        return undefined
      }
      return value.value
    }
    this.report(path, `expected an integer, got ${describe(value)}`)
    return undefined
  }

  /** true/false, or a YAML 1.1 word such as yes/off as yaml.v3 accepts for bools; null is false. */
  bool(value: YamlValue | null, path: string): boolean | undefined {
    if (value === null) return false
    if (isScalar(value)) {
      if (typeof value.value === 'boolean') return value.value
      if (typeof value.value === 'string') {
        if (YAML11_TRUE.has(value.value)) return true
        if (YAML11_FALSE.has(value.value)) return false
      }
    }
    this.report(path, `expected true or false, got ${describe(value)}`)
    return undefined
  }

  /** A list whose items are read by `item`; items with problems are left out. null is []. */
  list<T>(value: YamlValue | null, path: string, item: (value: YamlValue | null, path: string) => T | undefined): T[] | undefined {
    if (value === null) return []
    if (!isSeq(value)) {
      this.report(path, `expected a list, got ${describe(value)}`)
      return undefined
    }
    const out: T[] = []
    value.items.forEach((element, index) => {
      const elementPath = indexPath(path, index)
      const read = item(this.resolve(element, elementPath), elementPath)
      if (read !== undefined) out.push(read)
    })
    return out
  }

  /** A mapping with string keys and values read by `item`. null is {}. */
  map<T>(value: YamlValue | null, path: string, item: (value: YamlValue | null, path: string) => T | undefined): Record<string, T> | undefined {
    if (value === null) return {}
    const entries = this.entries(value, path)
    if (entries === undefined) return undefined
    const out = new Map<string, T>()
    for (const [key, element] of entries) {
      const elementPath = keyPath(path, key)
      const read = item(this.resolve(element, elementPath), elementPath)
      if (read !== undefined) out.set(key, read)
    }
    // fromEntries defines own properties, so a key such as "__proto__" stays an ordinary key.
    return Object.fromEntries(out)
  }

  /**
   * A mapping with a fixed set of fields (a Go struct decoded with KnownFields): unknown fields are
   * problems; null values are skipped, leaving the field unset as Go leaves it at its zero value.
   */
  struct(value: YamlValue | null, path: string, fields: Record<string, FieldReader>): void {
    if (value === null) return
    const entries = this.entries(value, path)
    if (entries === undefined) return
    const known = Object.keys(fields)
    for (const [key, element] of entries) {
      const childPath = fieldPath(path, key)
      const read = Object.hasOwn(fields, key) ? fields[key] : undefined
      if (read === undefined) {
        const hint = closestName(key, known)
        this.report(childPath, hint === undefined ? 'unknown field' : `unknown field (did you mean ${hint}?)`)
      } else {
        const resolved = this.resolve(element, childPath)
        if (resolved !== null) read(resolved, childPath)
      }
    }
  }

  /** The value of one key of a mapping, without judging the other keys. */
  lookup(map: YAMLMap, key: string): YamlValue | null | undefined {
    const entry = this.entries(map, '', false)?.find(([k]) => k === key)
    return entry === undefined ? undefined : this.resolve(entry[1])
  }

  /**
   * The key/value pairs of a mapping with `<<` merge keys expanded the way yaml.v3 does: keys
   * written in the mapping win over merged ones, and earlier merged mappings win over later ones.
   */
  private entries(value: YamlValue, path: string, reportProblems = true): Array<[string, unknown]> | undefined {
    const report = (at: string, message: string): void => {
      if (reportProblems) this.report(at, message)
    }
    if (!isMap(value)) {
      report(path, `expected a mapping, got ${describe(value)}`)
      return undefined
    }
    // Values stay unresolved here so that the caller resolves each alias with its own field path.
    const own = new Map<string, unknown>()
    const merged = new Map<string, unknown>()
    const mergeFrom = (source: YamlValue | null, at: string): void => {
      const entries = source !== null && isMap(source) ? this.entries(source, at, reportProblems) : undefined
      if (entries === undefined) {
        report(at, `a merge key (<<) takes a mapping or a list of mappings, got ${describe(source)}`)
        return
      }
      for (const [k, v] of entries) if (!merged.has(k)) merged.set(k, v)
    }
    for (const pair of value.items) {
      if (isScalar(pair.key) && pair.key.value === '<<' && pair.key.type === 'PLAIN') {
        const at = fieldPath(path, '<<')
        const source = this.resolve(pair.value, reportProblems ? at : undefined)
        if (source !== null && isSeq(source)) {
          source.items.forEach((item, index) => {
            const itemPath = indexPath(at, index)
            mergeFrom(this.resolve(item, reportProblems ? itemPath : undefined), itemPath)
          })
        } else {
          mergeFrom(source, at)
        }
        continue
      }
      const keyNode = this.resolve(pair.key)
      if (keyNode !== null && !isScalar(keyNode)) {
        report(path, `keys must be strings, got ${describe(keyNode)}`)
        continue
      }
      own.set(keyNode === null ? '' : scalarText(keyNode), pair.value)
    }
    for (const [k, v] of merged) if (!own.has(k)) own.set(k, v)
    return [...own]
  }
}
