import { describe, expect, it } from 'vitest'
import { classifyPullFailure, isWorthRetrying, pullError } from '../../../src/docker/pull-errors.js'

// Errors shaped as dockerode reports the Engine's answers: a status and the Engine's JSON message, or
// (for errors in the progress stream) a plain Error.
const engine = (statusCode: number, message: string) => Object.assign(new Error(`(HTTP code ${statusCode}) ${message}`), { statusCode, json: { message } })

describe('classifyPullFailure', () => {
  it.each([
    [engine(500, 'Head "http://127.0.0.1:5000/v2/x/manifests/1": no basic auth credentials'), 'auth'],
    [engine(401, 'unauthorized: authentication required'), 'auth'],
    [engine(404, "pull access denied for nope/x, repository does not exist or may require 'docker login': denied: requested access to the resource is denied"), 'auth'],
    [engine(404, 'manifest for 127.0.0.1:5000/x:2 not found: manifest unknown: manifest unknown'), 'not-found'],
    [engine(500, 'toomanyrequests: You have reached your unauthenticated pull rate limit. https://www.docker.com/increase-rate-limit'), 'rate-limit'],
    [engine(429, 'slow down'), 'rate-limit'],
    [new Error('Get "https://ghcr.io/v2/": dial tcp: lookup ghcr.io: no such host'), 'other']
  ])('%#: %s', (error, failure) => {
    expect(classifyPullFailure(error)).toBe(failure)
  })

  it('retries only what may change', () => {
    expect([isWorthRetrying('auth'), isWorthRetrying('not-found'), isWorthRetrying('rate-limit'), isWorthRetrying('other')]).toEqual([false, false, true, true])
  })
})

describe('pullError', () => {
  it('says an anonymous pull needs a login, with the command for that registry', () => {
    const e = pullError('localhost:5001/app:1', engine(500, 'no basic auth credentials'))
    expect(e.failure).toBe('auth')
    expect(e.message).toContain('pulling localhost:5001/app:1 without credentials')
    expect(e.message).toContain('authentication failed: no basic auth credentials')
    expect(e.message).toContain('docker login localhost:5001')
  })

  it('says rejected credentials came from where, and Docker Hub logs in without a host', () => {
    const e = pullError('org/private:1', engine(401, 'unauthorized: incorrect username or password'), 'docker-credential-pass')
    expect(e.message).toContain('with the credentials from docker-credential-pass')
    expect(e.message).toContain('docker.io refused the credentials: log in again (docker login)')
  })

  it('drops dockerode\'s HTTP wrapping of a streamed answer (its json is null for pulls, as the Engine answers here)', () => {
    const streamed = Object.assign(new Error('(HTTP code 404) unexpected - manifest for 127.0.0.1:5000/a/b:1 not found: manifest unknown: manifest unknown '), { statusCode: 404, json: null })
    expect(pullError('127.0.0.1:5000/a/b:1', streamed).message).toMatch(/: not found: manifest for 127.0.0.1:5000\/a\/b:1 not found: manifest unknown: manifest unknown\n/)
  })

  it('names a missing tag and a rate limit for what they are', () => {
    expect(pullError('ghcr.io/o/x:9', engine(404, 'manifest unknown')).message).toMatch(/not found: manifest unknown\nthe image or tag does not exist in ghcr.io/)
    expect(pullError('kindest/node:v1', engine(500, 'toomanyrequests: rate')).message).toMatch(/rate limit: .*\ndocker.io is limiting pulls: log in/)
  })
})
