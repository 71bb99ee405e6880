// JSON value -> YAML text, byte for byte as sigs.k8s.io/yaml's JSONToYAML (go-yaml v2, a port of
// libyaml's emitter). kind passes every kubeadm document through it, so this decides the exact
// quoting, key order, sequence indentation and the folding of long lines at 80 columns.
// The emitter state machine is reproduced only for what JSON values need: block mappings and
// sequences, `{}`/`[]` for empty ones, and scalars.

import { isJsonObject, type JsonValue } from '../json.js'
import { formatFloat64 } from './float.js'
import { goSortKeys } from './keys.js'
import { plainResolvesToString } from './resolve.js'

const BEST_INDENT = 2
const BEST_WIDTH = 80

type Style = 'plain' | 'single' | 'double' | 'literal'

interface Context {
  sequence?: boolean
  mapping?: boolean
  simpleKey?: boolean
}

interface Analysis {
  multiline: boolean
  blockPlainAllowed: boolean
  singleQuotedAllowed: boolean
  blockAllowed: boolean
}

function isBreak(c: string | undefined): boolean {
  return c === '\r' || c === '\n' || c === '\u0085' || c === '\u2028' || c === '\u2029'
}
function isBlank(c: string | undefined): boolean {
  return c === ' ' || c === '\t'
}
function isPrintable(c: string): boolean {
  const cp = c.codePointAt(0) as number
  return (
    cp === 0x0a ||
    (cp >= 0x20 && cp <= 0x7e) ||
    (cp >= 0xa0 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd && cp !== 0xfeff)
  )
}

// libyaml's yaml_emitter_analyze_scalar, reduced to the block context (flow_level 0).
function analyze(chars: string[]): Analysis {
  if (chars.length === 0) {
    return { multiline: false, blockPlainAllowed: true, singleQuotedAllowed: true, blockAllowed: false }
  }
  const head = chars.slice(0, 3).join('')
  let blockIndicators = head === '---' || head === '...'
  let lineBreaks = false
  let specialCharacters = false
  let leadingSpace = false
  let leadingBreak = false
  let trailingSpace = false
  let trailingBreak = false
  let breakSpace = false
  let spaceBreak = false
  let precededByWhitespace = true
  let previousSpace = false
  let previousBreak = false

  chars.forEach((c, i) => {
    const followedByWhitespace = i + 1 >= chars.length || isBlank(chars[i + 1])
    if (i === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(c)) blockIndicators = true
      else if ((c === '?' || c === ':' || c === '-') && followedByWhitespace) blockIndicators = true
    } else if (c === ':' && followedByWhitespace) {
      blockIndicators = true
    } else if (c === '#' && precededByWhitespace) {
      blockIndicators = true
    }
    if (!isPrintable(c)) specialCharacters = true
    if (c === ' ') {
      if (i === 0) leadingSpace = true
      if (i === chars.length - 1) trailingSpace = true
      if (previousBreak) breakSpace = true
      previousSpace = true
      previousBreak = false
    } else if (isBreak(c)) {
      lineBreaks = true
      if (i === 0) leadingBreak = true
      if (i === chars.length - 1) trailingBreak = true
      if (previousSpace) spaceBreak = true
      previousSpace = false
      previousBreak = true
    } else {
      previousSpace = false
      previousBreak = false
    }
    precededByWhitespace = isBlank(c) || isBreak(c) || c === '\0'
  })

  const a: Analysis = { multiline: lineBreaks, blockPlainAllowed: true, singleQuotedAllowed: true, blockAllowed: true }
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) a.blockPlainAllowed = false
  if (trailingSpace) a.blockAllowed = false
  if (breakSpace) {
    a.blockPlainAllowed = false
    a.singleQuotedAllowed = false
  }
  if (spaceBreak || specialCharacters) {
    a.blockPlainAllowed = false
    a.singleQuotedAllowed = false
    a.blockAllowed = false
  }
  if (lineBreaks || blockIndicators) a.blockPlainAllowed = false
  return a
}

const ESCAPES: Record<number, string> = {
  0x00: '0',
  0x07: 'a',
  0x08: 'b',
  0x09: 't',
  0x0a: 'n',
  0x0b: 'v',
  0x0c: 'f',
  0x0d: 'r',
  0x1b: 'e',
  0x22: '"',
  0x5c: '\\',
  0x85: 'N',
  0xa0: '_',
  0x2028: 'L',
  0x2029: 'P'
}

function escape(c: string): string {
  const cp = c.codePointAt(0) as number
  const named = ESCAPES[cp]
  if (named !== undefined) return named
  const [letter, width] = cp <= 0xff ? ['x', 2] : cp <= 0xffff ? ['u', 4] : ['U', 8]
  return letter + cp.toString(16).toUpperCase().padStart(width, '0')
}

/** What go-yaml writes for a number that came out of a JSON document. */
export function formatNumber(n: number): string {
  // encoding/json writes integral float64 values below 1e21 as plain digits (shortest round-trip
  // digits, zero padded, as Number#toString does); go-yaml reads those back as int64 or uint64 when
  // they fit and as float64 otherwise.
  if (Number.isInteger(n) && Math.abs(n) < 1e21) {
    const digits = String(n)
    const big = BigInt(digits)
    if (big >= -(2n ** 63n) && big < 2n ** 64n) return digits
  }
  return formatFloat64(n)
}

class Emitter {
  private out: string[] = []
  private column = 0
  private whitespace = true
  private indention = true
  private indent = -1
  private readonly indents: number[] = []

  document(v: JsonValue): string {
    this.node(v, {})
    this.writeIndent()
    return this.out.join('')
  }

  private put(c: string): void {
    this.out.push(c)
    this.column++
  }
  private putBreak(): void {
    this.out.push('\n')
    this.column = 0
  }
  private writeBreak(c: string): void {
    if (c === '\n') {
      this.putBreak()
    } else {
      this.out.push(c)
      this.column = 0
    }
  }
  private writeIndent(): void {
    const indent = Math.max(this.indent, 0)
    if (!this.indention || this.column > indent || (this.column === indent && !this.whitespace)) this.putBreak()
    while (this.column < indent) this.put(' ')
    this.whitespace = true
    this.indention = true
  }
  private writeIndicator(indicator: string, needWhitespace: boolean, isWhitespace: boolean, isIndention: boolean): void {
    if (needWhitespace && !this.whitespace) this.put(' ')
    for (const c of indicator) this.put(c)
    this.whitespace = isWhitespace
    this.indention = this.indention && isIndention
  }
  private increaseIndent(flow: boolean, indentless: boolean): void {
    this.indents.push(this.indent)
    if (this.indent < 0) this.indent = flow ? BEST_INDENT : 0
    else if (!indentless) this.indent += BEST_INDENT
  }
  private popIndent(): void {
    this.indent = this.indents.pop() as number
  }

  private node(v: JsonValue, ctx: Context): void {
    if (Array.isArray(v)) {
      if (v.length === 0) this.emptyFlow('[', ']')
      else this.blockSequence(v, ctx)
    } else if (isJsonObject(v)) {
      const keys = goSortKeys(Object.keys(v))
      if (keys.length === 0) this.emptyFlow('{', '}')
      else this.blockMapping(v, keys)
    } else if (typeof v === 'string') {
      const requested: Style = v.includes('\n') ? 'literal' : plainResolvesToString(v) ? 'plain' : 'double'
      this.scalar(v, requested, ctx)
    } else if (typeof v === 'number') {
      this.scalar(formatNumber(v), 'plain', ctx)
    } else {
      this.scalar(v === null ? 'null' : String(v), 'plain', ctx)
    }
  }

  private emptyFlow(open: string, close: string): void {
    this.writeIndicator(open, true, true, false)
    this.increaseIndent(true, false)
    this.popIndent()
    this.writeIndicator(close, false, false, false)
  }

  private blockSequence(items: JsonValue[], ctx: Context): void {
    this.increaseIndent(false, Boolean(ctx.mapping) && !this.indention)
    for (const item of items) {
      this.writeIndent()
      this.writeIndicator('-', true, false, true)
      this.node(item, { sequence: true })
    }
    this.popIndent()
  }

  private blockMapping(obj: Record<string, JsonValue>, keys: string[]): void {
    this.increaseIndent(false, false)
    for (const key of keys) {
      this.writeIndent()
      const chars = Array.from(key)
      const simple = !analyze(chars).multiline && Buffer.byteLength(key, 'utf8') <= 128
      if (simple) {
        this.node(key, { mapping: true, simpleKey: true })
        this.writeIndicator(':', false, false, false)
      } else {
        this.writeIndicator('?', true, false, true)
        this.node(key, { mapping: true })
        this.writeIndent()
        this.writeIndicator(':', true, false, true)
      }
      this.node(obj[key] as JsonValue, { mapping: true })
    }
    this.popIndent()
  }

  private scalar(value: string, requested: Style, ctx: Context): void {
    const chars = Array.from(value)
    const a = analyze(chars)
    let style = requested
    if (ctx.simpleKey && a.multiline) style = 'double'
    if (style === 'plain' && (!a.blockPlainAllowed || (chars.length === 0 && ctx.simpleKey))) style = 'single'
    if (style === 'single' && !a.singleQuotedAllowed) style = 'double'
    if (style === 'literal' && (!a.blockAllowed || ctx.simpleKey)) style = 'double'

    this.increaseIndent(true, false)
    const allowBreaks = !ctx.simpleKey
    switch (style) {
      case 'plain':
        this.plain(chars, allowBreaks)
        break
      case 'single':
        this.singleQuoted(chars, allowBreaks)
        break
      case 'double':
        this.doubleQuoted(chars, allowBreaks)
        break
      case 'literal':
        this.literal(chars)
        break
    }
    this.popIndent()
  }

  private plain(chars: string[], allowBreaks: boolean): void {
    if (!this.whitespace) this.put(' ')
    let spaces = false
    let breaks = false
    chars.forEach((c, i) => {
      if (c === ' ') {
        if (allowBreaks && !spaces && this.column > BEST_WIDTH && chars[i + 1] !== ' ') this.writeIndent()
        else this.put(c)
        spaces = true
      } else if (isBreak(c)) {
        if (!breaks && c === '\n') this.putBreak()
        this.writeBreak(c)
        this.indention = true
        breaks = true
      } else {
        if (breaks) this.writeIndent()
        this.put(c)
        this.indention = false
        spaces = false
        breaks = false
      }
    })
    this.whitespace = false
    this.indention = false
  }

  private singleQuoted(chars: string[], allowBreaks: boolean): void {
    this.writeIndicator("'", true, false, false)
    let spaces = false
    let breaks = false
    chars.forEach((c, i) => {
      if (c === ' ') {
        const fold =
          allowBreaks && !spaces && this.column > BEST_WIDTH && i > 0 && i < chars.length - 1 && chars[i + 1] !== ' '
        if (fold) this.writeIndent()
        else this.put(c)
        spaces = true
      } else if (isBreak(c)) {
        if (!breaks && c === '\n') this.putBreak()
        this.writeBreak(c)
        this.indention = true
        breaks = true
      } else {
        if (breaks) this.writeIndent()
        if (c === "'") this.put("'")
        this.put(c)
        this.indention = false
        spaces = false
        breaks = false
      }
    })
    this.writeIndicator("'", false, false, false)
    this.whitespace = false
    this.indention = false
  }

  private doubleQuoted(chars: string[], allowBreaks: boolean): void {
    this.writeIndicator('"', true, false, false)
    // libyaml looks for a byte order mark at the start of the value, not at each character, so a
    // value that starts with one gets every character escaped.
    const bom = chars[0] === '\ufeff'
    let spaces = false
    chars.forEach((c, i) => {
      if (bom || !isPrintable(c) || isBreak(c) || c === '"' || c === '\\') {
        this.put('\\')
        for (const e of escape(c)) this.put(e)
        spaces = false
      } else if (c === ' ') {
        if (allowBreaks && !spaces && this.column > BEST_WIDTH && i > 0 && i < chars.length - 1) {
          this.writeIndent()
          if (chars[i + 1] === ' ') this.put('\\')
        } else {
          this.put(c)
        }
        spaces = true
      } else {
        this.put(c)
        spaces = false
      }
    })
    this.writeIndicator('"', false, false, false)
    this.whitespace = false
    this.indention = false
  }

  private literal(chars: string[]): void {
    this.writeIndicator('|', true, false, false)
    this.blockScalarHints(chars)
    this.putBreak()
    this.indention = true
    this.whitespace = true
    let breaks = true
    for (const c of chars) {
      if (isBreak(c)) {
        this.writeBreak(c)
        this.indention = true
        breaks = true
      } else {
        if (breaks) this.writeIndent()
        this.put(c)
        this.indention = false
        breaks = false
      }
    }
  }

  private blockScalarHints(chars: string[]): void {
    if (chars[0] === ' ' || isBreak(chars[0])) this.writeIndicator(String(BEST_INDENT), false, false, false)
    let chomp = ''
    const last = chars.length - 1
    if (chars.length === 0 || !isBreak(chars[last])) chomp = '-'
    else if (last === 0 || isBreak(chars[last - 1])) chomp = '+'
    if (chomp) this.writeIndicator(chomp, false, false, false)
  }
}

/** sigs.k8s.io/yaml JSONToYAML for a value that has been through encoding/json. */
export function encodeYAML(v: JsonValue): string {
  return new Emitter().document(v)
}
