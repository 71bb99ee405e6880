// `--help` text laid out as cobra's default help and usage templates lay it out, with pflag's flag
// table (aligned columns, type names, non-zero defaults), so `kind X --help` reads the same as kind's.
import type { FlagSpec } from './flags.js'
import { flagsOf } from './parse.js'
import { commandPath, GLOBAL_FLAGS, type CommandSpec } from './tree.js'

const TYPE_NAMES: Record<FlagSpec['type'], string> = { string: 'string', bool: '', strings: 'strings', duration: 'duration', int32: 'int32' }
const ZERO_DEFAULTS = ['', 'false', '0', '0s', '[]']
const MIN_NAME_PADDING = 11

/** pflag's FlagUsages: one line per flag, sorted by name, usages aligned in one column. */
export function flagUsages(flags: FlagSpec[]): string {
  const sorted = [...flags].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  const lines = sorted.map(flag => {
    let head = flag.short ? `  -${flag.short}, --${flag.name}` : `      --${flag.name}`
    if (TYPE_NAMES[flag.type]) head += ` ${TYPE_NAMES[flag.type]}`
    let usage = flag.usage
    const defaultValue = flag.defaultValue ?? ''
    if (!ZERO_DEFAULTS.includes(defaultValue)) usage += flag.type === 'string' ? ` (default ${JSON.stringify(defaultValue)})` : ` (default ${defaultValue})`
    return { head, usage }
  })
  const width = Math.max(...lines.map(l => l.head.length))
  return lines.map(l => `${l.head.padEnd(width)}   ${l.usage.replace(/\n/g, `\n${' '.repeat(width + 3)}`)}\n`).join('')
}

function useLine(path: CommandSpec[]): string {
  const command = path[path.length - 1]
  const line = path.length > 1 ? `${commandPath(path.slice(0, -1))} ${command.use}` : command.use
  return line.includes('[flags]') ? line : `${line} [flags]`
}

/** cobra's usage template (what follows the description in the help). */
export function usageText(path: CommandSpec[]): string {
  const command = path[path.length - 1]
  const global = new Set(GLOBAL_FLAGS.map(f => f.name))
  const local = command.id === 'root' ? flagsOf(command) : flagsOf(command).filter(f => !global.has(f.name))
  const inherited = command.id === 'root' ? [] : GLOBAL_FLAGS
  let text = 'Usage:'
  if (command.runnable) text += `\n  ${useLine(path)}`
  if (command.subcommands.length) text += `\n  ${commandPath(path)} [command]`
  if (command.subcommands.length) {
    const padding = Math.max(MIN_NAME_PADDING, ...command.subcommands.map(c => c.name.length))
    const sorted = [...command.subcommands].sort((a, b) => (a.name < b.name ? -1 : 1))
    text += '\n\nAvailable Commands:' + sorted.map(c => `\n  ${c.name.padEnd(padding)} ${c.short}`).join('')
  }
  text += `\n\nFlags:\n${flagUsages(local).trimEnd()}`
  if (inherited.length) text += `\n\nGlobal Flags:\n${flagUsages(inherited).trimEnd()}`
  if (command.subcommands.length) text += `\n\nUse "${commandPath(path)} [command] --help" for more information about a command.`
  return `${text}\n`
}

/** cobra's help template: the long description, then the usage. */
export function helpText(path: CommandSpec[]): string {
  const command = path[path.length - 1]
  return `${(command.long || command.short).trimEnd()}\n\n${usageText(path)}`
}
