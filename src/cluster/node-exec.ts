// Commands inside node containers. A failing command raises an error that names the node and the
// command and shows the tail of its output (DESIGN principle 3).
import type { DockerPort, ExecOptions, ExecResult } from '../docker/port.js'

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

/** Runs a command in a node and returns its stdout; throws NodeCommandError on a non-zero exit. */
export async function run(docker: DockerPort, node: string, command: string[], options?: ExecOptions): Promise<string> {
  const result = await docker.exec(node, command, { privileged: true, ...options })
  if (result.exitCode !== 0) throw new NodeCommandError(node, command, result)
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
