// Pulls through our Docker port with the runner's `docker login` credentials, against a real registry
// (distribution, from hack/images/build-registry.sh) with htpasswd authentication on 127.0.0.1. The
// docker CLI logs in and pushes with a temporary DOCKER_CONFIG, exactly as a workflow step would.
import { execFileSync } from 'node:child_process'
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { ensureImage } from '../../src/cluster/images.js'
import { dockerCredentials, type CredentialLookup } from '../../src/docker/credentials.js'
import { DockerodePort } from '../../src/docker/dockerode-port.js'
import { PullError } from '../../src/docker/pull-errors.js'
import { uniqueName } from '../helpers/docker.js'
import { ensureRegistryImage, freePort, htpasswdLine, importTinyImage, waitForRegistry } from '../helpers/registry.js'

const docker = new DockerodePort()
const name = uniqueName('registry-auth')
const user = 'ci-bot'
const password = `pw-${name}`
let dir: string
let host: string
let ref: string
const noSleep = async (): Promise<void> => undefined

const cli = (args: string[], env: Record<string, string> = {}, input?: string): string =>
  execFileSync('docker', args, { env: { ...process.env, ...env }, input }).toString()
const removeLocal = (image: string): void => {
  execFileSync('docker', ['image', 'rm', '-f', image], { stdio: 'ignore' })
}
function lookup(configDir: string, extraPath = ''): { find: CredentialLookup; secrets: string[]; warnings: string[] } {
  const secrets: string[] = []
  const warnings: string[] = []
  const env = { DOCKER_CONFIG: configDir, PATH: `${extraPath}${process.env.PATH}` }
  return { find: dockerCredentials({ env, home: '/nonexistent', onSecret: s => secrets.push(s), onWarning: w => warnings.push(w) }), secrets, warnings }
}
async function pullFails(image: string, find?: CredentialLookup): Promise<PullError> {
  const error = await ensureImage(docker, image, noSleep, undefined, find).then(
    () => undefined,
    (e: unknown) => e
  )
  expect(error).toBeInstanceOf(PullError)
  return error as PullError
}

describe('pulls with the runner’s Docker credentials, from a registry with htpasswd authentication', () => {
  beforeAll(async () => {
    const image = ensureRegistryImage()
    dir = mkdtempSync(join(tmpdir(), 'registry-auth-'))
    writeFileSync(join(dir, 'htpasswd'), htpasswdLine(user, password))
    host = `127.0.0.1:${await freePort()}`
    cli(['run', '-d', '--name', name, '--label', `kind-action.test=${name}`, '-p', `${host}:5000`, '-v', `${dir}:/auth:ro`,
      '-e', 'REGISTRY_AUTH=htpasswd', '-e', 'REGISTRY_AUTH_HTPASSWD_REALM=kind-action-test', '-e', 'REGISTRY_AUTH_HTPASSWD_PATH=/auth/htpasswd', image])
    expect(await waitForRegistry(host)).toBe(401)
    // docker login writes the base64 auth into $DOCKER_CONFIG/config.json, as on a runner without a credsStore.
    cli(['login', host, '--username', user, '--password-stdin'], { DOCKER_CONFIG: join(dir, 'login') }, password)
    ref = `${host}/${name}/hello:1`
    importTinyImage(ref, 'hello from the registry')
    cli(['push', ref], { DOCKER_CONFIG: join(dir, 'login') })
  })
  beforeEach(() => removeLocal(ref))
  afterAll(() => {
    execFileSync('docker', ['rm', '-f', name], { stdio: 'ignore' })
    removeLocal(ref)
    rmSync(dir, { recursive: true, force: true })
  })

  it('pulls with what docker login stored, and masks the password', async () => {
    const { find, secrets, warnings } = lookup(join(dir, 'login'))
    const resolved = await ensureImage(docker, ref, noSleep, undefined, find)
    expect(resolved).toMatchObject({ ref, pulled: true, source: 'pull' })
    expect((await docker.inspectImage(ref))?.repoTags).toContain(ref)
    expect(secrets).toContain(password)
    expect(warnings).toEqual([])
  })

  it('without credentials: an authentication error that says to docker login to that registry', async () => {
    const error = await pullFails(ref, lookup(join(dir, 'nothing')).find)
    expect(error.failure).toBe('auth')
    expect(error.message).toContain(`image ${ref} is not on the Docker host and pulling ${ref} without credentials`)
    expect(error.message).toContain(`docker login ${host}`)
    expect(error.message).toContain('authentication failed: Head "http://')
    expect(error.message).not.toContain('HTTP code')
  })

  it('with a wrong password: says the credentials were refused and where they came from', async () => {
    const wrong = join(dir, 'wrong')
    mkdirSync(wrong)
    writeFileSync(join(wrong, 'config.json'), JSON.stringify({ auths: { [host]: { auth: Buffer.from(`${user}:nope`).toString('base64') } } }))
    const error = await pullFails(ref, lookup(wrong).find)
    expect(error.failure).toBe('auth')
    expect(error.message).toContain(`with the credentials from ${wrong}/config.json auths`)
    expect(error.message).toContain(`${host} refused the credentials`)
  })

  it('a missing tag: a not-found error naming the image', async () => {
    const missing = `${host}/${name}/hello:no-such-tag`
    const error = await pullFails(missing, lookup(join(dir, 'login')).find)
    expect(error.failure).toBe('not-found')
    expect(error.message).toContain(`pulling ${missing} with the credentials`)
    expect(error.message).toContain(`the image or tag does not exist in ${host}`)
  })

  it('pulls with credentials from a credHelpers helper (a real process on PATH)', async () => {
    const helperDir = join(dir, 'helper')
    mkdirSync(helperDir)
    const script = join(helperDir, 'docker-credential-katest')
    writeFileSync(script, `#!/bin/sh\nread -r key\n[ "$key" = "${host}" ] || { echo "credentials not found in native keychain"; exit 1; }\nprintf '{"ServerURL":"%s","Username":"${user}","Secret":"${password}"}' "$key"\n`)
    chmodSync(script, 0o755)
    writeFileSync(join(helperDir, 'config.json'), JSON.stringify({ auths: { [host]: {} }, credHelpers: { [host]: 'katest' } }))
    const { find } = lookup(helperDir, `${helperDir}:`)
    expect(await find(ref)).toMatchObject({ source: 'docker-credential-katest' })
    expect(await ensureImage(docker, ref, noSleep, undefined, find)).toMatchObject({ pulled: true })
  })
})
