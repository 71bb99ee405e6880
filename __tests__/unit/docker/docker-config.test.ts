import { describe, expect, it } from 'vitest'
import {
  DOCKER_HUB_KEY,
  credentialKey,
  fileAuth,
  helperFor,
  parseDockerConfig,
  parseHelperOutput,
  registryHost,
  secretsOf
} from '../../../src/docker/docker-config.js'

const b64 = (s: string): string => Buffer.from(s).toString('base64')
const config = (value: unknown) => parseDockerConfig(JSON.stringify(value), '/home/u/.docker/config.json')

describe('registryHost', () => {
  it.each([
    ['kindest/node:v1.37.2', 'docker.io'],
    ['ubuntu', 'docker.io'],
    ['docker.io/library/ubuntu:24.04', 'docker.io'],
    ['index.docker.io/kindest/node@sha256:abc', 'docker.io'],
    ['registry.k8s.io/pause:3.10', 'registry.k8s.io'],
    ['ghcr.io/org/img:1', 'ghcr.io'],
    ['localhost/x', 'localhost'],
    ['localhost:5001/x:1', 'localhost:5001'],
    ['127.0.0.1:5000/a/b:c', '127.0.0.1:5000'],
    ['myorg/myimage', 'docker.io']
  ])('%s pulls from %s', (ref, host) => {
    expect(registryHost(ref)).toBe(host)
  })

  it('stores Docker Hub under the docker CLI key', () => {
    expect(credentialKey('docker.io')).toBe(DOCKER_HUB_KEY)
    expect(credentialKey('ghcr.io')).toBe('ghcr.io')
  })
})

describe('fileAuth', () => {
  it('decodes the base64 auth docker login writes (the password may hold colons)', () => {
    const c = config({ auths: { 'ghcr.io': { auth: b64('me:pa:ss') } } })
    expect(fileAuth(c, 'ghcr.io')).toEqual({ serveraddress: 'ghcr.io', username: 'me', password: 'pa:ss' })
  })

  it('finds Docker Hub under its key and other spellings of a host', () => {
    const hub = config({ auths: { [DOCKER_HUB_KEY]: { auth: b64('u:p') } } })
    expect(fileAuth(hub, 'docker.io')).toMatchObject({ serveraddress: DOCKER_HUB_KEY, username: 'u' })
    const spelled = config({ auths: { 'https://localhost:5001/v2/': { username: 'u', password: 'p' } } })
    expect(fileAuth(spelled, 'localhost:5001')).toEqual({ serveraddress: 'localhost:5001', username: 'u', password: 'p' })
    expect(fileAuth(spelled, 'localhost:5002')).toBeUndefined()
  })

  it('keeps an identity token, and ignores an entry without credentials (credsStore leaves {})', () => {
    const c = config({ auths: { 'acr.io': { identitytoken: 'tok' }, 'quay.io': {} } })
    expect(fileAuth(c, 'acr.io')).toEqual({ serveraddress: 'acr.io', identitytoken: 'tok' })
    expect(fileAuth(c, 'quay.io')).toBeUndefined()
  })

  it('names the entry whose auth is not user:password', () => {
    const c = config({ auths: { 'ghcr.io': { auth: b64('nocolon') } } })
    expect(() => fileAuth(c, 'ghcr.io')).toThrow('the auth of "ghcr.io" is not base64 of user:password')
  })
})

describe('parseDockerConfig', () => {
  it('names the file and the field that is wrong', () => {
    expect(() => parseDockerConfig('{', '/c.json')).toThrow(/^\/c.json is not JSON/)
    expect(() => config({ auths: [1] })).toThrow('auths."0" is not an object')
    expect(() => config({ credsStore: '../evil' })).toThrow('credsStore is not a credential helper name')
    expect(() => config({ credHelpers: { 'gcr.io': 3 } })).toThrow('credHelpers."gcr.io" is not a credential helper name')
  })

  it('reads a config with none of the credential fields', () => {
    expect(config({ proxies: {} })).toEqual({ auths: {}, credHelpers: {} })
  })
})

describe('helperFor', () => {
  it('asks credHelpers for the host first, then credsStore', () => {
    const c = config({ credsStore: 'desktop', credHelpers: { 'gcr.io': 'gcloud', [DOCKER_HUB_KEY]: 'hub' } })
    expect(helperFor(c, 'gcr.io')).toBe('gcloud')
    expect(helperFor(c, 'docker.io')).toBe('hub')
    expect(helperFor(c, 'ghcr.io')).toBe('desktop')
    expect(helperFor(config({}), 'ghcr.io')).toBeUndefined()
  })
})

describe('parseHelperOutput', () => {
  it('turns {Username, Secret} into the credentials to send', () => {
    expect(parseHelperOutput('{"ServerURL":"ghcr.io","Username":"me","Secret":"s3"}', 'pass', 'ghcr.io')).toEqual({
      serveraddress: 'ghcr.io',
      username: 'me',
      password: 's3'
    })
  })

  it('reads a Username of <token> as an identity token', () => {
    expect(parseHelperOutput('{"Username":"<token>","Secret":"refresh"}', 'acr', 'acr.io')).toEqual({ serveraddress: 'acr.io', identitytoken: 'refresh' })
  })

  it('treats an empty secret as no credentials and rejects what is not JSON', () => {
    expect(parseHelperOutput('{"Username":"","Secret":""}', 'x', 'h')).toBeUndefined()
    expect(() => parseHelperOutput('oops', 'x', 'h')).toThrow('docker-credential-x get answered with something that is not JSON')
  })
})

describe('secretsOf', () => {
  it('lists the password, its base64 form and tokens, never the user', () => {
    expect(secretsOf({ serveraddress: 'h', username: 'me', password: 'pw' })).toEqual(['pw', b64('me:pw')])
    expect(secretsOf({ serveraddress: 'h', identitytoken: 't' })).toEqual(['t'])
  })
})
