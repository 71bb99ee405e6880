// ensureImage's retry decisions and the credentials it sends. The registry's answers are played by a
// stand-in port (a real registry's refusals are in __tests__/integration/registry-auth.test.ts; how
// often a pull is retried cannot be watched from outside a real Engine).
import { describe, expect, it } from 'vitest'
import { ensureImage } from '../../../src/cluster/images.js'
import type { DockerPort, RegistryAuth } from '../../../src/docker/port.js'
import { PullError } from '../../../src/docker/pull-errors.js'

function pullingPort(answer: (attempt: number) => Error | undefined) {
  const sent: (RegistryAuth | undefined)[] = []
  let pulled = false
  const port = {
    async inspectImage() {
      return pulled ? { id: 'sha256:1', repoTags: [], repoDigests: [], size: 1 } : undefined
    },
    async pullImage(_ref: string, auth?: RegistryAuth) {
      sent.push(auth)
      const error = answer(sent.length)
      if (error) throw error
      pulled = true
    }
  } as unknown as DockerPort
  return { port, sent }
}
const engine = (statusCode: number, message: string) => Object.assign(new Error(message), { statusCode, json: { message } })
const noSleep = async (): Promise<void> => undefined

describe('ensureImage pulls', () => {
  it('sends the credentials found for the image', async () => {
    const { port, sent } = pullingPort(() => undefined)
    const auth = { serveraddress: 'ghcr.io', username: 'me', password: 'pw' }
    await ensureImage(port, 'ghcr.io/o/x:1', noSleep, undefined, async () => ({ auth, source: 'test' }))
    expect(sent).toEqual([auth])
  })

  it.each([
    ['an authentication refusal', engine(401, 'unauthorized: authentication required'), 1, 'auth'],
    ['a missing tag', engine(404, 'manifest unknown'), 1, 'not-found'],
    ['a rate limit', engine(500, 'toomanyrequests: slow down'), 5, 'rate-limit'],
    ['a network error', new Error('dial tcp: i/o timeout'), 5, 'other']
  ])('after %s, tries %i time(s) and reports it', async (_, error, attempts, failure) => {
    const { port, sent } = pullingPort(() => error)
    const thrown = await ensureImage(port, 'ghcr.io/o/x:1', noSleep).catch((e: unknown) => e)
    expect(thrown).toBeInstanceOf(PullError)
    expect((thrown as PullError).failure).toBe(failure)
    expect((thrown as PullError).message).toMatch(/^image ghcr.io\/o\/x:1 is not on the Docker host and pulling ghcr.io\/o\/x:1 without credentials/)
    expect(sent).toHaveLength(attempts)
  })

  it('succeeds when a retry does', async () => {
    const { port, sent } = pullingPort(attempt => (attempt < 3 ? new Error('connection reset') : undefined))
    expect(await ensureImage(port, 'ghcr.io/o/x:1', noSleep)).toMatchObject({ pulled: true, source: 'pull' })
    expect(sent).toHaveLength(3)
  })
})
