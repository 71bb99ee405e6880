// kind v0.33's fallback for proxies: when the environment names no HTTP(S) proxy, the `proxies` of the
// Docker CLI's config.json (the entry of the daemon in use, else "default") apply, as the docker CLI
// itself applies them to the containers it runs.
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

export type ProxyVariables = Partial<Record<'HTTP_PROXY' | 'HTTPS_PROXY' | 'NO_PROXY', string>>

type Env = Record<string, string | undefined>
interface DockerConfigFile {
  currentContext?: unknown
  proxies?: Record<string, { httpProxy?: unknown; httpsProxy?: unknown; noProxy?: unknown }>
}

const DEFAULT_DOCKER_HOST = 'unix:///var/run/docker.sock'

/** Whether the environment's proxy variables win (kind: either HTTP_PROXY or HTTPS_PROXY, any case). */
export function environmentNamesAProxy(env: Env): boolean {
  return ['HTTP_PROXY', 'HTTPS_PROXY'].some(name => Boolean(env[name] || env[name.toLowerCase()]))
}

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as unknown
  } catch {
    return undefined
  }
}

/** The daemon a context points at (the default context: the local socket). */
function contextHost(configDir: string, context: string): string | undefined {
  if (context === 'default') return DEFAULT_DOCKER_HOST
  // The docker CLI keeps a context's endpoints under the SHA-256 of its name.
  const id = createHash('sha256').update(context).digest('hex')
  const meta = readJson(join(configDir, 'contexts', 'meta', id, 'meta.json')) as { Endpoints?: { docker?: { Host?: unknown } } } | undefined
  const host = meta?.Endpoints?.docker?.Host
  return typeof host === 'string' ? host.trim() : undefined
}

/** The proxy variables the Docker CLI config gives for the daemon in use; {} when none (or no readable file). */
export function dockerConfigProxies(env: Env): ProxyVariables {
  const configDir = env.DOCKER_CONFIG || (env.HOME ? join(env.HOME, '.docker') : '')
  if (!configDir) return {}
  const config = readJson(join(configDir, 'config.json')) as DockerConfigFile | undefined
  const proxies = config?.proxies
  if (!proxies || typeof proxies !== 'object') return {}
  const context = env.DOCKER_CONTEXT || (typeof config.currentContext === 'string' && config.currentContext) || 'default'
  const host = env.DOCKER_HOST || contextHost(configDir, context)
  const entry = (host && proxies[host]) || proxies.default
  if (!entry) return {}
  const result: ProxyVariables = {}
  const set = (name: keyof ProxyVariables, value: unknown): void => {
    if (typeof value === 'string' && value) result[name] = value
  }
  set('HTTP_PROXY', entry.httpProxy)
  set('HTTPS_PROXY', entry.httpsProxy)
  set('NO_PROXY', entry.noProxy)
  return result
}
