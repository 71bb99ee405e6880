// Why a pull failed, in the terms a user acts on: the registry wants (other) credentials, the image is
// not there, or the registry is throttling; each with what to do. Pure: from the Engine's answer.
import { registryHost } from './docker-config.js'
import { engineMessage, engineStatus } from './port.js'

export type PullFailure = 'auth' | 'not-found' | 'rate-limit' | 'other'

const RATE_LIMIT = /toomanyrequests|too many requests|rate limit/i
const AUTH = /unauthorized|no basic auth credentials|authentication required|denied|forbidden|incorrect username or password/i
const NOT_FOUND = /manifest unknown|not found|name unknown|does not exist|no such image/i

/**
 * The kind of failure, from the Engine's HTTP status and message. Docker Hub answers an anonymous pull
 * of a missing or private repository alike ("pull access denied ... may require 'docker login'"): that
 * is reported as auth, since logging in is the only way to tell the two apart.
 */
export function classifyPullFailure(error: unknown): PullFailure {
  const status = engineStatus(error)
  const message = engineMessage(error)
  if (status === 429 || RATE_LIMIT.test(message)) return 'rate-limit'
  if (status === 401 || status === 403 || AUTH.test(message)) return 'auth'
  if (status === 404 || NOT_FOUND.test(message)) return 'not-found'
  return 'other'
}

/** Auth and not-found answers do not change by asking again; throttling and other trouble may. */
export function isWorthRetrying(failure: PullFailure): boolean {
  return failure === 'rate-limit' || failure === 'other'
}

export class PullError extends Error {
  constructor(
    readonly ref: string,
    readonly failure: PullFailure,
    message: string
  ) {
    super(message)
    this.name = 'PullError'
  }
}

/**
 * The message of a failed pull: the image, what the registry said, and what to do. `credentials` names
 * where the credentials that were sent came from (undefined: the pull was anonymous).
 */
export function pullError(ref: string, error: unknown, credentials?: string): PullError {
  const failure = classifyPullFailure(error)
  const host = registryHost(ref)
  const login = host === 'docker.io' ? 'docker login' : `docker login ${host}`
  const said = engineMessage(error)
  const sent = credentials ? `with the credentials from ${credentials}` : 'without credentials (none are configured for it)'
  const advice: Record<PullFailure, string> = {
    auth: credentials
      ? `${host} refused the credentials: log in again (${login}) or check the account may read this repository`
      : `${host} wants credentials: log in before this step (${login}, or docker/login-action); pulls use ~/.docker/config.json ($DOCKER_CONFIG), its credsStore and credHelpers`,
    'not-found': `the image or tag does not exist in ${host}: check the name and tag, or push it (or docker load it on the runner) before this step`,
    'rate-limit': `${host} is limiting pulls: log in to get a higher limit (${login}), or cache the image (cache: true)`,
    other: `check that ${host} is reachable from the runner, or put the image on the Docker host before this step (docker load, docker build or an earlier pull)`
  }
  const kind: Record<PullFailure, string> = {
    auth: 'authentication failed',
    'not-found': 'not found',
    'rate-limit': 'rate limit',
    other: 'failed'
  }
  return new PullError(ref, failure, `pulling ${ref} ${sent}: ${kind[failure]}: ${said}\n${advice[failure]}`)
}
