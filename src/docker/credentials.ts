// The runner's Docker credentials for a pull, found as the docker CLI finds them: config.json in
// $DOCKER_CONFIG (else ~/.docker), then for the image's registry its credential helper (credHelpers,
// else credsStore: `docker-credential-<name> get`, the registry on stdin), falling back to the file's
// own `auths`. So a `docker login` (or docker/login-action) before this step is what our pulls use too.
import { execFile } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import {
  credentialKey,
  fileAuth,
  helperFor,
  isHelperNotFound,
  parseDockerConfig,
  parseHelperOutput,
  registryHost,
  secretsOf,
  type DockerConfig
} from './docker-config.js'
import type { RegistryAuth } from './port.js'

/** The credentials to pull an image with, and where they came from; undefined: pull anonymously. */
export interface FoundCredentials {
  auth: RegistryAuth
  /** "config.json auths", or the helper's program name: for messages, never the secret. */
  source: string
}

export type CredentialLookup = (ref: string) => Promise<FoundCredentials | undefined>

export interface CredentialOptions {
  env: Record<string, string | undefined>
  home: string
  /** Told every secret found, before it is used (core.setSecret on a runner). */
  onSecret: (secret: string) => void
  /** Told what could not be read; the pull then goes on without those credentials. */
  onWarning: (message: string) => void
  helperTimeoutMs?: number
}

/** Where the docker CLI reads its configuration. */
export function dockerConfigPath(env: Record<string, string | undefined>, home: string): string {
  return join(env.DOCKER_CONFIG || join(home, '.docker'), 'config.json')
}

async function readConfig(path: string): Promise<DockerConfig | undefined> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw new Error(`cannot read ${path}: ${(error as Error).message}`)
  }
  return parseDockerConfig(text, path)
}

/** `docker-credential-<helper> get` with the registry key on stdin; its stdout, or a rejection with its reason. */
function runHelper(helper: string, key: string, env: Record<string, string | undefined>, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(`docker-credential-${helper}`, ['get'], { env, timeout: timeoutMs }, (error, stdout, stderr) => {
      if (error) reject(Object.assign(new Error(`${stdout}${stderr}`.trim() || error.message), { code: (error as NodeJS.ErrnoException).code }))
      else resolve(stdout)
    })
    child.stdin?.on('error', () => undefined)
    child.stdin?.end(key)
  })
}

/**
 * A lookup of the runner's credentials per image; each registry is looked up once (images pull in
 * parallel) and config.json is read once.
 */
export function dockerCredentials(options: CredentialOptions): CredentialLookup {
  const path = dockerConfigPath(options.env, options.home)
  let config: Promise<DockerConfig | undefined> | undefined
  const perHost = new Map<string, Promise<FoundCredentials | undefined>>()

  const lookUp = async (host: string): Promise<FoundCredentials | undefined> => {
    let found: FoundCredentials | undefined
    try {
      found = await find(await (config ??= readConfig(path)), host)
    } catch (error) {
      options.onWarning(`registry credentials for ${host}: ${(error as Error).message}; pulling without them`)
      return undefined
    }
    for (const secret of found ? secretsOf(found.auth) : []) options.onSecret(secret)
    return found
  }

  const find = async (file: DockerConfig | undefined, host: string): Promise<FoundCredentials | undefined> => {
    if (!file) return undefined
    const key = credentialKey(host)
    const helper = helperFor(file, host)
    if (helper) {
      try {
        const auth = parseHelperOutput(await runHelper(helper, key, options.env, options.helperTimeoutMs ?? 30_000), helper, key)
        if (auth) return { auth, source: `docker-credential-${helper}` }
      } catch (error) {
        // As the docker CLI: a helper that has nothing for the registry leaves the file's own entry.
        const message = (error as Error).message
        if (!isHelperNotFound(message)) {
          const why = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'is not on PATH' : `failed: ${message.split('\n')[0]}`
          options.onWarning(`registry credentials for ${host}: docker-credential-${helper} (from ${path}) ${why}`)
        }
      }
    }
    const auth = fileAuth(file, host)
    return auth ? { auth, source: `${path} auths` } : undefined
  }

  return ref => {
    const host = registryHost(ref)
    let pending = perHost.get(host)
    if (!pending) perHost.set(host, (pending = lookUp(host)))
    return pending
  }
}
