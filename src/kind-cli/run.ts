// The kind CLI's main: parse, then help, --version or the command; any error is one "ERROR: ..."
// line on stderr and exit code 1, as kind's app.Run does.
import { homedir, tmpdir } from 'node:os'
import type { DockerPort } from '../docker/port.js'
import { createClusterCommand } from './commands/create.js'
import { deleteClusterCommand, deleteClustersCommand } from './commands/delete.js'
import { exportKubeconfigCommand, exportLogsCommand } from './commands/export.js'
import { getClusters, getKubeconfig, getNodes } from './commands/get.js'
import { loadDockerImage, loadImageArchive } from './commands/load.js'
import { CliLogger, type CliContext, type CliIo } from './context.js'
import { helpText } from './help.js'
import { checkArgs, parseCommandLine, type ParsedCommandLine } from './parse.js'
import { KIND_COMMANDS, type CommandId, type CommandSpec } from './tree.js'
import { cliVersion, displayVersion } from './version.js'

type Handler = (c: CliContext) => Promise<void>

const HANDLERS: Partial<Record<CommandId, Handler>> = {
  'get clusters': getClusters,
  'get nodes': getNodes,
  'get kubeconfig': getKubeconfig,
  'load docker-image': loadDockerImage,
  'load image-archive': loadImageArchive,
  'export logs': exportLogsCommand,
  'export kubeconfig': exportKubeconfigCommand,
  'delete cluster': deleteClusterCommand,
  'delete clusters': deleteClustersCommand,
  'create cluster': createClusterCommand,
  version: async c => c.io.out(`${c.log.quiet ? cliVersion() : displayVersion()}\n`)
}

/** -q anywhere on the command line silences stderr, even when the rest does not parse (kind's checkQuiet). */
function quietRequested(argv: string[]): boolean {
  const end = argv.indexOf('--')
  return (end < 0 ? argv : argv.slice(0, end)).some(a => a === '--quiet' || a === '--quiet=true' || /^-[a-zA-Z]*q[a-zA-Z]*$/.test(a))
}

/** cobra's help command: `kind help get nodes` is `kind get nodes --help`. */
function helpTarget(args: string[]): CommandSpec[] {
  const path = [KIND_COMMANDS]
  for (const word of args) {
    const next = path[path.length - 1].subcommands.find(c => c.name === word)
    if (!next) break
    path.push(next)
  }
  return path
}

export interface RunOptions {
  docker: () => DockerPort
  io: CliIo
  env?: Record<string, string | undefined>
}

/** Runs one command line; resolves with the exit code. */
export async function runKind(argv: string[], options: RunOptions): Promise<number> {
  const { io } = options
  let log = new CliLogger(io, quietRequested(argv), 0)
  let parsed: ParsedCommandLine
  try {
    parsed = parseCommandLine(argv)
    log = new CliLogger(io, parsed.flags.quiet === true || log.quiet, Number(parsed.flags.verbosity))
    if (parsed.help) return io.out(helpText(parsed.path)), 0
    if (parsed.version && parsed.command.id === 'root') return io.out(`kind version ${cliVersion()}\n`), 0
    checkArgs(parsed)
  } catch (error) {
    log.error((error as Error).message)
    return 1
  }
  const { command } = parsed
  if (command.id === 'help') return io.out(helpText(helpTarget(parsed.args))), 0
  // The root only shows help; the groups (get, load, ...) show it and fail, asking for a subcommand.
  if (command.id === 'root') return io.out(helpText(parsed.path)), 0
  const handler = HANDLERS[command.id]
  if (!handler) {
    io.out(helpText(parsed.path))
    log.error('Subcommand is required')
    return 1
  }
  const env = options.env ?? process.env
  try {
    await handler({ docker: options.docker(), env, home: env.HOME || homedir(), tmpdir: tmpdir(), io, log, parsed })
    return 0
  } catch (error) {
    log.error((error as Error).message)
    return 1
  }
}
