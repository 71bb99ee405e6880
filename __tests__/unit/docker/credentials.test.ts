// The lookup against real files and real helper processes: fake docker-credential-* scripts on PATH,
// which record what they were asked on stdin.
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { dockerConfigPath, dockerCredentials } from '../../../src/docker/credentials.js'
import { DOCKER_HUB_KEY } from '../../../src/docker/docker-config.js'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'registry-creds-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

const b64 = (s: string): string => Buffer.from(s).toString('base64')

/** A credential helper script: appends its stdin to asked.log, then runs `body`. */
function helper(name: string, body: string): void {
  const path = join(dir, `docker-credential-${name}`)
  writeFileSync(path, `#!/bin/sh\nread -r key\necho "$0 $1 $key" >> "${dir}/asked.log"\n${body}\n`)
  chmodSync(path, 0o755)
}

function lookup(config: unknown | undefined) {
  if (config !== undefined) writeFileSync(join(dir, 'config.json'), JSON.stringify(config))
  const secrets: string[] = []
  const warnings: string[] = []
  const find = dockerCredentials({
    env: { DOCKER_CONFIG: dir, PATH: `${dir}:${process.env.PATH}` },
    home: '/nonexistent',
    onSecret: s => secrets.push(s),
    onWarning: w => warnings.push(w)
  })
  return { find, secrets, warnings }
}
const asked = (): string[] => readFileSync(join(dir, 'asked.log'), 'utf8').trim().split('\n').map(l => l.replace(`${dir}/`, ''))

describe('dockerConfigPath', () => {
  it('follows DOCKER_CONFIG, else ~/.docker', () => {
    expect(dockerConfigPath({ DOCKER_CONFIG: '/cfg' }, '/home/u')).toBe('/cfg/config.json')
    expect(dockerConfigPath({}, '/home/u')).toBe('/home/u/.docker/config.json')
  })
})

describe('dockerCredentials', () => {
  it('pulls anonymously when there is no config.json', async () => {
    const { find, warnings } = lookup(undefined)
    expect(await find('ghcr.io/o/x:1')).toBeUndefined()
    expect(warnings).toEqual([])
  })

  it('uses the file auths and masks the password and its base64 form', async () => {
    const { find, secrets } = lookup({ auths: { 'localhost:5001': { auth: b64('me:pw') } } })
    expect(await find('localhost:5001/app:1')).toEqual({
      auth: { serveraddress: 'localhost:5001', username: 'me', password: 'pw' },
      source: `${dir}/config.json auths`
    })
    expect(secrets).toEqual(['pw', b64('me:pw')])
    expect(await find('localhost:5002/app:1')).toBeUndefined()
  })

  it('asks the credHelpers helper with the registry on stdin, Docker Hub by its key', async () => {
    helper('fake', 'printf \'{"ServerURL":"%s","Username":"bot","Secret":"s3cret"}\' "$key"')
    const { find, secrets } = lookup({ credHelpers: { 'ghcr.io': 'fake', [DOCKER_HUB_KEY]: 'fake' } })
    expect(await find('ghcr.io/o/x:1')).toEqual({ auth: { serveraddress: 'ghcr.io', username: 'bot', password: 's3cret' }, source: 'docker-credential-fake' })
    expect(await find('kindest/node:v1.37.2')).toMatchObject({ auth: { serveraddress: DOCKER_HUB_KEY } })
    expect(asked()).toEqual(['docker-credential-fake get ghcr.io', `docker-credential-fake get ${DOCKER_HUB_KEY}`])
    expect(secrets).toContain('s3cret')
  })

  it('asks each registry once, however many images pull from it at the same time', async () => {
    helper('store', 'echo \'{"Username":"<token>","Secret":"tok"}\'')
    const { find } = lookup({ credsStore: 'store' })
    const found = await Promise.all(['ghcr.io/a:1', 'ghcr.io/b:1', 'ghcr.io/c:1'].map(find))
    expect(found.map(f => f?.auth)).toEqual(Array(3).fill({ serveraddress: 'ghcr.io', identitytoken: 'tok' }))
    expect(asked()).toEqual(['docker-credential-store get ghcr.io'])
  })

  it('falls back to the file when the helper has nothing for the registry, as the docker CLI does', async () => {
    helper('store', 'echo "credentials not found in native keychain"; exit 1')
    const { find, warnings } = lookup({ credsStore: 'store', auths: { 'ghcr.io': { auth: b64('u:p') } } })
    expect(await find('ghcr.io/o/x:1')).toMatchObject({ auth: { username: 'u', password: 'p' } })
    expect(warnings).toEqual([])
  })

  it('warns about a helper that is missing or fails, and goes on without it', async () => {
    helper('broken', 'echo "keychain locked" >&2; exit 3')
    const missing = lookup({ credsStore: 'nothere' })
    expect(await missing.find('ghcr.io/o/x:1')).toBeUndefined()
    expect(missing.warnings).toEqual([`registry credentials for ghcr.io: docker-credential-nothere (from ${dir}/config.json) is not on PATH`])
    const broken = lookup({ credsStore: 'broken' })
    expect(await broken.find('ghcr.io/o/x:1')).toBeUndefined()
    expect(broken.warnings).toEqual([`registry credentials for ghcr.io: docker-credential-broken (from ${dir}/config.json) failed: keychain locked`])
  })

  it('warns once about a config.json it cannot read, naming it', async () => {
    writeFileSync(join(dir, 'config.json'), '{"auths": ')
    const { find, warnings } = lookup(undefined)
    expect(await find('ghcr.io/o/x:1')).toBeUndefined()
    expect(warnings[0]).toMatch(new RegExp(`^registry credentials for ghcr.io: ${dir}/config.json is not JSON`))
  })
})
