// Commands run in a node for the log bundle: output captured with a size cap and a time limit, and a
// failing command is a result, not an exception — a log export writes whatever a command printed.
import type { Readable } from 'node:stream'
import type { DockerPort } from '../docker/port.js'
import { TailBuffer } from './limits.js'

export interface Captured {
  /** stdout then stderr, as the file gets them (kind sends both to the file), capped to the tail. */
  output: Buffer
  exitCode: number
  /** The last lines of stderr (of the output when stderr is empty: Docker reports a missing command there), for messages. */
  stderr: string
  /** The output was longer than the cap and lost its beginning. */
  truncated: boolean
}

export class CommandTimeout extends Error {
  constructor(node: string, command: string[], ms: number) {
    super(`${command.join(' ')} on ${node} did not finish within ${Math.round(ms / 1000)} s`)
    this.name = 'CommandTimeout'
  }
}

/** Rejects after `ms`, running `onTimeout` first; `clear` stops the timer. */
export function deadline(ms: number, onTimeout: () => Error): { promise: Promise<never>; clear: () => void } {
  let timer: NodeJS.Timeout | undefined
  const promise = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms)
  })
  promise.catch(() => undefined)
  return { promise, clear: () => clearTimeout(timer) }
}

/** Keeps a stream flowing into nothing, so an abandoned exec does not pile up output in memory. */
export function discard(stream: Readable): void {
  stream.on('error', () => undefined)
  stream.removeAllListeners('data')
  stream.resume()
}

export async function capture(
  docker: DockerPort,
  node: string,
  command: string[],
  options: { maxBytes: number; timeoutMs: number }
): Promise<Captured> {
  const { stdout, done } = await docker.execStream(node, command, { privileged: true })
  const tail = new TailBuffer(options.maxBytes)
  stdout.on('error', () => undefined)
  const reading = (async () => {
    for await (const chunk of stdout) tail.push(chunk as Buffer)
  })()
  const timer = deadline(options.timeoutMs, () => {
    discard(stdout)
    return new CommandTimeout(node, command, options.timeoutMs)
  })
  try {
    const [result] = await Promise.race([Promise.all([done, reading]), timer.promise])
    if (result.stderr) tail.push(result.stderr)
    const output = tail.contents()
    const why = result.stderr.trim() || (result.exitCode !== 0 ? output.subarray(-2000).toString() : '')
    return { output, exitCode: result.exitCode, stderr: lastLines(why, 5), truncated: tail.truncated }
  } finally {
    timer.clear()
  }
}

export function lastLines(text: string, lines: number): string {
  return text.trim().split('\n').slice(-lines).join('\n')
}

/** At most `n` tasks at once; the others wait their turn in order. */
export function limiter(n: number): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0
  const waiting: (() => void)[] = []
  return async <T>(task: () => Promise<T>): Promise<T> => {
    // A finishing task hands its slot straight to the next waiter, so no newcomer can slip in between.
    if (active >= n) await new Promise<void>(resolve => waiting.push(resolve))
    else active++
    try {
      return await task()
    } finally {
      const next = waiting.shift()
      if (next) next()
      else active--
    }
  }
}
