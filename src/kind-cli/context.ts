// What every command works with: the Docker port, the environment, and kind's two streams — stdout
// for the program's output (names, paths, kubeconfigs), stderr for status, warnings and errors, which
// -q silences.
import type { DockerPort } from '../docker/port.js'
import type { FlagValue } from './flags.js'
import type { ParsedCommandLine } from './parse.js'

export interface CliIo {
  out(text: string): void
  err(text: string): void
  readStdin(): Promise<string>
}

export interface CliContext {
  docker: DockerPort
  env: Record<string, string | undefined>
  home: string
  tmpdir: string
  io: CliIo
  log: CliLogger
  parsed: ParsedCommandLine
}

/** kind's logger on stderr: V(n) lines up to the -v level, WARNING:/ERROR: prefixes, nothing under -q. */
export class CliLogger {
  constructor(
    private readonly io: CliIo,
    readonly quiet: boolean,
    readonly verbosity: number
  ) {}
  info(message: string, level = 0): void {
    if (!this.quiet && level <= this.verbosity) this.io.err(`${message}\n`)
  }
  warn(message: string): void {
    if (!this.quiet) this.io.err(`WARNING: ${message}\n`)
  }
  error(message: string): void {
    if (!this.quiet) this.io.err(`ERROR: ${message}\n`)
  }
}

export function flag<T extends FlagValue>(c: CliContext, name: string): T {
  return c.parsed.flags[name] as T
}

/** --name, else KIND_CLUSTER_NAME (kind's OverrideDefaultName), else the flag's default. */
export function clusterName(c: CliContext): string {
  if (!c.parsed.changed.has('name') && c.env.KIND_CLUSTER_NAME) return c.env.KIND_CLUSTER_NAME
  return flag<string>(c, 'name')
}

/** Go's %q of a list of strings: ["a" "b"]. */
export function goQuoteList(items: string[]): string {
  return `[${items.map(i => JSON.stringify(i)).join(' ')}]`
}
