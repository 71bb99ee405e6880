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
