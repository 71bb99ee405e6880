// The `verbosity` input: a DockerPort that logs every call it passes on, so a slow or failing step can
// be read call by call (which container, which command in which node, how long, which exit code).
// Verbosity 1 logs each call and its duration; 2 also the output of every command run in a node.
// Stdin is never logged: it carries kubeadm configs and certificates.
import type { DockerPort, ExecResult } from './port.js'

type Log = (line: string) => void

const MAX_ARG = 160

function describeArg(arg: unknown): string {
  if (typeof arg === 'string') return arg
  if (Array.isArray(arg)) return arg.map(a => (typeof a === 'string' ? a : describeArg(a))).join(' ')
  if (arg instanceof RegExp) return String(arg)
  if (typeof arg === 'number' || typeof arg === 'boolean') return String(arg)
  if (arg && typeof arg === 'object') {
    const o = arg as Record<string, unknown>
    // A container spec: its name and image say which one; a network spec: its name.
    if (typeof o.name === 'string' && typeof o.Image === 'string') return `${o.name} (${o.Image})`
    if (typeof o.Name === 'string') return o.Name
    if (typeof (o as { pipe?: unknown }).pipe === 'function') return '<stream>'
    if ('stdin' in o || 'privileged' in o) return o.privileged ? '<privileged>' : ''
    return '{…}'
  }
  return String(arg)
}

function clip(text: string): string {
  return text.length > MAX_ARG ? `${text.slice(0, MAX_ARG)}…` : text
}

function isExecResult(value: unknown): value is ExecResult {
  return !!value && typeof value === 'object' && typeof (value as ExecResult).exitCode === 'number'
}

function tail(text: string, lines = 20): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n')
}

/** `port` with every call logged through `log` at the given verbosity (the port itself when 0). */
export function withCallLog(port: DockerPort, verbosity: number, log: Log): DockerPort {
  if (verbosity <= 0) return port
  return new Proxy(port, {
    get(target, property, receiver) {
      const member = Reflect.get(target, property, receiver) as unknown
      if (typeof member !== 'function') return member
      return async (...args: unknown[]) => {
        const call = `docker ${String(property)} ${clip(args.map(describeArg).filter(Boolean).join(' '))}`.trimEnd()
        const started = Date.now()
        try {
          const result = (await (member as (...a: unknown[]) => Promise<unknown>).apply(target, args)) as unknown
          const seconds = ((Date.now() - started) / 1000).toFixed(2)
          log(`${call} → ${isExecResult(result) ? `exit ${result.exitCode}, ` : ''}${seconds} s`)
          if (verbosity >= 2 && isExecResult(result)) {
            if (result.stdout.trim()) log(`  stdout: ${tail(result.stdout)}`)
            if (result.stderr.trim()) log(`  stderr: ${tail(result.stderr)}`)
          }
          return result
        } catch (error) {
          log(`${call} → failed after ${((Date.now() - started) / 1000).toFixed(2)} s: ${(error as Error).message}`)
          throw error
        }
      }
    }
  })
}
