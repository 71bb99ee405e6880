// The command line as kind's cobra/pflag reads it: the leading words choose the command, then every
// flag of that command (its own, the root's -q/-v, and -h/--help) may stand anywhere among the
// arguments; `--` ends the flags.
import { convertFlag, defaultFlagValue, FlagError, type FlagSpec, type FlagValue } from './flags.js'
import { commandPath, GLOBAL_FLAGS, KIND_COMMANDS, type CommandSpec } from './tree.js'

export interface ParsedCommandLine {
  /** From the root to the chosen command. */
  path: CommandSpec[]
  command: CommandSpec
  flags: Record<string, FlagValue>
  /** Flags given on the command line (cobra's Changed), e.g. to let KIND_CLUSTER_NAME fill --name. */
  changed: Set<string>
  args: string[]
  help: boolean
  /** The root's --version. */
  version: boolean
}

/** Every flag the command accepts: its own, the inherited ones, help (and the root's --version). */
export function flagsOf(command: CommandSpec): FlagSpec[] {
  const own = [...command.flags, { name: 'help', short: 'h', type: 'bool' as const, usage: `help for ${command.name}` }]
  if (command.id === 'root') own.push({ name: 'version', type: 'bool', usage: 'version for kind' })
  return [...own, ...GLOBAL_FLAGS]
}

/** Whether a word takes the next word as its value (a known non-bool flag written without `=`). */
function takesValue(word: string, specs: FlagSpec[]): boolean {
  if (word.includes('=')) return false
  const spec = word.startsWith('--') ? specs.find(f => f.name === word.slice(2)) : specs.find(f => f.short === word.slice(-1) && word.length === 2)
  return spec !== undefined && spec.type !== 'bool'
}

/** cobra's Find: the leading words (skipping flags) that name subcommands choose the command. */
function findCommand(argv: string[]): { path: CommandSpec[]; rest: string[] } {
  const path = [KIND_COMMANDS]
  let rest = [...argv]
  for (;;) {
    const current = path[path.length - 1]
    const specs = flagsOf(current)
    let i = 0
    while (i < rest.length && rest[i].startsWith('-') && rest[i] !== '--' && rest[i] !== '-') i += takesValue(rest[i], specs) ? 2 : 1
    const next = rest[i] !== '--' ? current.subcommands.find(c => c.name === rest[i]) : undefined
    if (!next) return { path, rest }
    path.push(next)
    rest = [...rest.slice(0, i), ...rest.slice(i + 1)]
  }
}

export function parseCommandLine(argv: string[]): ParsedCommandLine {
  const { path, rest } = findCommand(argv)
  const command = path[path.length - 1]
  const specs = flagsOf(command)
  const flags: Record<string, FlagValue> = Object.fromEntries(specs.map(s => [s.name, defaultFlagValue(s)]))
  const changed = new Set<string>()
  const args: string[] = []
  const set = (spec: FlagSpec, text: string, spelled: string): void => {
    flags[spec.name] = convertFlag(spec, text, changed.has(spec.name) ? flags[spec.name] : undefined, spelled)
    changed.add(spec.name)
  }
  for (let i = 0; i < rest.length; i++) {
    const word = rest[i]
    if (word === '--') {
      args.push(...rest.slice(i + 1))
      break
    }
    if (word.startsWith('--')) {
      const [flagName, ...valueParts] = word.slice(2).split('=')
      const spec = specs.find(f => f.name === flagName)
      if (!spec) throw new FlagError(`unknown flag: --${flagName}`)
      if (valueParts.length) set(spec, valueParts.join('='), `--${flagName}`)
      else if (spec.type === 'bool') set(spec, 'true', `--${flagName}`)
      else if (i + 1 < rest.length) set(spec, rest[++i], `--${flagName}`)
      else throw new FlagError(`flag needs an argument: --${flagName}`)
    } else if (word.startsWith('-') && word !== '-') {
      i = shorthands(word, rest, i, specs, set)
    } else {
      args.push(word)
    }
  }
  return { path, command, flags, changed, args, help: flags.help === true, version: flags.version === true }
}

/** A group of shorthand flags (`-qA`, `-n x`, `-nx`, `-n=x`); returns the index of the last word used. */
function shorthands(word: string, rest: string[], at: number, specs: FlagSpec[], set: (spec: FlagSpec, text: string, spelled: string) => void): number {
  let i = at
  let letters = word.slice(1)
  while (letters.length) {
    const letter = letters[0]
    const spec = specs.find(f => f.short === letter)
    if (!spec) throw new FlagError(`unknown shorthand flag: '${letter}' in ${word}`)
    const after = letters.slice(1)
    if (after.startsWith('=')) {
      set(spec, after.slice(1), `-${letter}`)
      return i
    }
    if (spec.type === 'bool') {
      set(spec, 'true', `-${letter}`)
      letters = after
      continue
    }
    if (after) set(spec, after, `-${letter}`)
    else if (i + 1 < rest.length) set(spec, rest[++i], `-${letter}`)
    else throw new FlagError(`flag needs an argument: '${letter}' in -${letter}`)
    return i
  }
  return i
}

/** cobra's argument check for the chosen command; the error as cobra words it. */
export function checkArgs(parsed: ParsedCommandLine): void {
  const { command, args, path } = parsed
  const rule = command.args
  if (rule.kind === 'none' && args.length) throw new FlagError(`unknown command ${JSON.stringify(args[0])} for ${JSON.stringify(commandPath(path))}`)
  if (rule.kind === 'max' && args.length > rule.n) throw new FlagError(`accepts at most ${rule.n} arg(s), received ${args.length}`)
  if (rule.kind === 'min1' && args.length < 1) throw new FlagError(rule.message)
  if (rule.kind === 'default' && command.id === 'root' && args.length) {
    throw new FlagError(`unknown command ${JSON.stringify(args[0])} for ${JSON.stringify('kind')}`)
  }
}
