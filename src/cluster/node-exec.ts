// Commands inside node containers. A failing command raises an error that names the node and the
// command and shows the tail of its output (DESIGN principle 3).
import type { ContainerInfo, DockerPort, ExecOptions, ExecResult } from '../docker/port.js'

const TAIL_LINES = 25

export class NodeCommandError extends Error {
  constructor(
    readonly node: string,
    readonly command: string[],
    readonly result: ExecResult
  ) {
    super(
      `command failed on node ${node} (exit code ${result.exitCode}): ${command.join(' ')}\n` +
        explain(`${result.stdout}\n${result.stderr}`)
    )
    this.name = 'NodeCommandError'
  }

  /** The last lines of the command's output, for summaries. */
  get outputTail(): string {
    return explain(`${this.result.stdout}\n${this.result.stderr}`)
  }
}

const ERROR_LINE = /\b(error|failed|fatal|unable|refused|cannot|invalid)\b/i

/**
 * The lines that say what went wrong, ahead of the tail: kubeadm at --v=6 ends a failure with a Go stack
 * trace, which would push its one-line reason out of a plain tail.
 */
export function explain(text: string, lines = TAIL_LINES): string {
  const all = text.trim().split('\n')
  const last = all.slice(-lines)
  const reasons = all
    .filter(line => ERROR_LINE.test(line) && !/^\s/.test(line) && !last.includes(line))
    .slice(0, 5)
  return reasons.length ? `${reasons.join('\n')}\n...\n${last.join('\n')}` : last.join('\n')
}

/**
 * A command that ended because its node's container stopped under it (killed, out of memory, removed):
 * the command's own exit code and output say nothing of that, so the error leads with the container.
 */
export class NodeStoppedError extends NodeCommandError {
  constructor(node: string, command: string[], result: ExecResult, readonly containerState: string) {
    super(node, command, result)
    this.message =
      `node ${node} stopped while running ${command.slice(0, 2).join(' ')}: its container ${containerState}. ` +
      'Something outside this step stopped it (docker kill/stop/rm, the kernel\'s OOM killer, a Docker Engine restart); ' +
      'its logs are in the log bundle'
    this.name = 'NodeStoppedError'
  }
}

/**
 * The error for a command that exited non-zero: a NodeStoppedError when the node's container is no longer
 * running (or gone), else a NodeCommandError. When even the inspect fails, the plain command error stands.
 */
export async function commandFailure(docker: DockerPort, node: string, command: string[], result: ExecResult): Promise<NodeCommandError> {
  const state = await containerStopped(docker, node, result.exitCode > 128)
  return state ? new NodeStoppedError(node, command, result, state) : new NodeCommandError(node, command, result)
}

/**
 * How the node's container ended, or undefined while it runs. A command killed by a signal may be the
 * first to see its container killed, a moment before the Engine marks the container exited: then it
 * looks again, briefly.
 */
export async function containerStopped(docker: DockerPort, node: string, killed = false): Promise<string | undefined> {
  for (let attempt = 0; ; attempt++) {
    const state = await docker.inspectContainer(node).then(stoppedState, () => undefined)
    if (state || !killed || attempt === 4) return state
    await new Promise(resolve => setTimeout(resolve, 250))
  }
}

/** How a stopped container ended ("exited with code 137 (SIGKILL)"), or undefined while it runs. */
function stoppedState(info: ContainerInfo | undefined): string | undefined {
  if (!info) return 'was removed'
  if (info.running) return undefined
  const state = (info.raw as { State?: { ExitCode?: number; OOMKilled?: boolean; Status?: string } } | undefined)?.State ?? {}
  const code = state.ExitCode ?? -1
  const signal = code > 128 ? SIGNAL_NAMES[code - 128] : undefined
  const how = state.OOMKilled ? ', out of memory' : signal ? ` (${signal})` : ''
  return `${state.Status ?? 'exited'} with code ${code}${how}`
}

const SIGNAL_NAMES: Record<number, string> = { 1: 'SIGHUP', 2: 'SIGINT', 9: 'SIGKILL', 15: 'SIGTERM' }

/** Runs a command in a node and returns its stdout; throws NodeCommandError on a non-zero exit. */
export async function run(docker: DockerPort, node: string, command: string[], options?: ExecOptions): Promise<string> {
  const result = await docker.exec(node, command, { privileged: true, ...options })
  if (result.exitCode !== 0) throw await commandFailure(docker, node, command, result)
  return result.stdout
}

/** kind's way of writing a file into a node (mkdir -p, then cp /dev/stdin), in one exec rather than two. */
export async function writeFile(docker: DockerPort, node: string, path: string, content: string | Buffer): Promise<void> {
  const dir = path.slice(0, path.lastIndexOf('/')) || '/'
  await run(docker, node, ['sh', '-c', 'mkdir -p "$1" && cp /dev/stdin "$2"', 'write-file', dir, path], { stdin: content })
}

export async function readFile(docker: DockerPort, node: string, path: string): Promise<string> {
  return run(docker, node, ['cat', path])
}
