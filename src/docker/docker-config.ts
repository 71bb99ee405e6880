// The docker CLI's client configuration (config.json), read as the CLI reads it: which registry an
// image reference names, and where that registry's credentials come from (a credential helper, the
// credentials store, or the file's own `auths`). Pure: the file and the helpers are read elsewhere
// (credentials.ts).
import type { RegistryAuth } from './port.js'

/** The key Docker Hub's credentials are stored under, by the docker CLI and every credential helper. */
export const DOCKER_HUB_KEY = 'https://index.docker.io/v1/'
const DOCKER_HUB_HOSTS = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io'])

/**
 * The registry an image reference pulls from, as Docker normalises references: the first path component
 * when it looks like a host (has "." or ":", or is "localhost"), else Docker Hub ("docker.io").
 */
export function registryHost(ref: string): string {
  const slash = ref.indexOf('/')
  if (slash < 0) return 'docker.io'
  const first = ref.slice(0, slash)
  const isHost = first.includes('.') || first.includes(':') || first === 'localhost'
  if (!isHost) return 'docker.io'
  return DOCKER_HUB_HOSTS.has(first) ? 'docker.io' : first
}

/** The key a registry's credentials are stored under, and asked of a credential helper with. */
export function credentialKey(host: string): string {
  return host === 'docker.io' ? DOCKER_HUB_KEY : host
}

/** A config.json key as a bare host: the docker CLI accepts "https://host/v1/", "http://host" and "host". */
function keyHost(key: string): string {
  const bare = key.replace(/^https?:\/\//, '').split('/')[0]
  return DOCKER_HUB_HOSTS.has(bare) ? 'docker.io' : bare
}

export interface AuthEntry {
  /** base64 of "user:password", as `docker login` writes it. */
  auth?: string
  username?: string
  password?: string
  identitytoken?: string
  registrytoken?: string
}

export interface DockerConfig {
  auths: Record<string, AuthEntry>
  credsStore?: string
  credHelpers: Record<string, string>
}

const HELPER_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/

/** config.json's text, checked; `source` (its path) names it in errors. */
export function parseDockerConfig(text: string, source: string): DockerConfig {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    throw new Error(`${source} is not JSON: ${(error as Error).message}`)
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${source} is not a JSON object`)
  const raw = value as { auths?: unknown; credsStore?: unknown; credHelpers?: unknown }
  const auths: Record<string, AuthEntry> = {}
  if (raw.auths !== undefined) {
    if (typeof raw.auths !== 'object' || raw.auths === null) throw new Error(`${source}: auths is not an object`)
    for (const [key, entry] of Object.entries(raw.auths as Record<string, unknown>)) {
      if (typeof entry !== 'object' || entry === null) throw new Error(`${source}: auths."${key}" is not an object`)
      const e = entry as Record<string, unknown>
      const text = (field: string): string | undefined => (typeof e[field] === 'string' && e[field] !== '' ? (e[field] as string) : undefined)
      auths[key] = Object.fromEntries(
        (['auth', 'username', 'password', 'identitytoken', 'registrytoken'] as const).flatMap(f => (text(f) ? [[f, text(f)]] : []))
      )
    }
  }
  const helperName = (name: unknown, field: string): string => {
    if (typeof name !== 'string' || !HELPER_NAME.test(name)) throw new Error(`${source}: ${field} is not a credential helper name: ${JSON.stringify(name)}`)
    return name
  }
  const credHelpers: Record<string, string> = {}
  if (raw.credHelpers !== undefined) {
    if (typeof raw.credHelpers !== 'object' || raw.credHelpers === null) throw new Error(`${source}: credHelpers is not an object`)
    for (const [key, name] of Object.entries(raw.credHelpers as Record<string, unknown>)) {
      credHelpers[key] = helperName(name, `credHelpers."${key}"`)
    }
  }
  const credsStore = raw.credsStore === undefined || raw.credsStore === '' ? undefined : helperName(raw.credsStore, 'credsStore')
  return { auths, credHelpers, ...(credsStore ? { credsStore } : {}) }
}

/** The file's own credentials for a host, decoded; undefined when it has none. */
export function fileAuth(config: DockerConfig, host: string): RegistryAuth | undefined {
  const key = credentialKey(host)
  const entry = config.auths[key] ?? Object.entries(config.auths).find(([k]) => keyHost(k) === host)?.[1]
  if (!entry) return undefined
  let { username, password } = entry
  if (entry.auth) {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8')
    const colon = decoded.indexOf(':')
    if (colon < 0) throw new Error(`the auth of "${key}" is not base64 of user:password`)
    username = decoded.slice(0, colon)
    password = decoded.slice(colon + 1)
  }
  const auth: RegistryAuth = { serveraddress: key }
  if (username) auth.username = username
  if (password) auth.password = password
  if (entry.identitytoken) auth.identitytoken = entry.identitytoken
  if (entry.registrytoken) auth.registrytoken = entry.registrytoken
  return auth.username || auth.identitytoken || auth.registrytoken ? auth : undefined
}

/** The credential helper the docker CLI would ask for a host: credHelpers first, then credsStore. */
export function helperFor(config: DockerConfig, host: string): string | undefined {
  const key = credentialKey(host)
  const named = config.credHelpers[key] ?? Object.entries(config.credHelpers).find(([k]) => keyHost(k) === host)?.[1]
  return named ?? config.credsStore
}

/** The `get` answer of a credential helper ({ServerURL, Username, Secret}) as the credentials to send. */
export function parseHelperOutput(text: string, helper: string, key: string): RegistryAuth | undefined {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw new Error(`docker-credential-${helper} get answered with something that is not JSON`)
  }
  const v = (value ?? {}) as { Username?: unknown; Secret?: unknown }
  const username = typeof v.Username === 'string' ? v.Username : ''
  const secret = typeof v.Secret === 'string' ? v.Secret : ''
  if (!secret) return undefined
  // The credential helpers' protocol: a Username of "<token>" means the Secret is an identity token.
  if (username === '<token>') return { serveraddress: key, identitytoken: secret }
  return { serveraddress: key, username, password: secret }
}

/** A helper's "no credentials for this host" answer (docker-credential-helpers' ErrCredentialsNotFound). */
export function isHelperNotFound(output: string): boolean {
  return /credentials not found/i.test(output)
}

/** The values of credentials that must never appear in a log (with config.json's base64 form of the password). */
export function secretsOf(auth: RegistryAuth): string[] {
  const basic = auth.username && auth.password ? Buffer.from(`${auth.username}:${auth.password}`).toString('base64') : undefined
  return [auth.password, basic, auth.identitytoken, auth.registrytoken].filter((s): s is string => Boolean(s))
}
