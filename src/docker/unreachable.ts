// An Engine that cannot be reached at all (no daemon, a wrong DOCKER_HOST, a socket without access)
// fails the first call with Node's bare "connect ENOENT /path": this says what it means and what to do.

const CONNECT_CODES = new Set(['ENOENT', 'ECONNREFUSED', 'EACCES', 'EPERM', 'ENOTSOCK', 'EHOSTUNREACH', 'ETIMEDOUT', 'ENOTFOUND'])

/** Where the Docker client connects: DOCKER_HOST, else the default socket. */
function engineAddress(env: Record<string, string | undefined>): string {
  return env.DOCKER_HOST || 'unix:///var/run/docker.sock'
}

/** The error reworded when it is a failure to connect to the Engine itself; undefined for any other error. */
export function dockerUnreachable(error: unknown, env: Record<string, string | undefined>): Error | undefined {
  const e = error as NodeJS.ErrnoException | undefined
  if (!e || e.syscall !== 'connect' || !CONNECT_CODES.has(e.code ?? '')) return undefined
  const advice =
    e.code === 'EACCES' || e.code === 'EPERM'
      ? 'the step may not use the socket: run it as a user in the docker group'
      : 'start the Docker Engine before this step, or set DOCKER_HOST to where it listens'
  return new Error(`cannot reach the Docker Engine at ${engineAddress(env)} (${e.code}: ${e.message}); ${advice}`)
}

/**
 * An Engine that answered earlier in the step and now refuses connections has stopped or restarted
 * mid-creation: said as such, with the phase, rather than as a setup problem ("start the Docker Engine").
 */
export function dockerStoppedAnswering(error: unknown, env: Record<string, string | undefined>, phase: string): Error | undefined {
  const e = error as NodeJS.ErrnoException | undefined
  if (!e || e.syscall !== 'connect' || !CONNECT_CODES.has(e.code ?? '')) return undefined
  return new Error(
    `the Docker Engine stopped answering (restarted?) during ${phase}: ${engineAddress(env)} (${e.code}: ${e.message}); ` +
      'check the daemon (journalctl -u docker) and run the job again; the post step removes what was created'
  )
}

/** The Engine's ENOSPC ("no space left on device"), with the data root it names and what to do. */
export function dockerDiskFull(error: unknown, phase: string): Error | undefined {
  const message = (error as Error | undefined)?.message ?? ''
  if (!/no space left on device/i.test(message)) return undefined
  const root = /(\/\S+?)\/(?:volumes|overlay2|containers|image|tmp)\//.exec(message)?.[1]
  const node = /^Booting (\S+)$/.exec(phase)?.[1]
  const where = node ? `creating node ${node}` : phase
  return new Error(
    `no space left on device on the Docker host while ${where}: free space in Docker's data root` +
      `${root ? ` (${root})` : ''} (docker system prune, a larger disk) or use fewer nodes; the Engine said: ${message.replace(/\s+$/, '')}`
  )
}
