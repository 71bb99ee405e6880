// install_only, as helm/kind-action's: the main step puts kubectl on PATH and creates nothing, the post
// step deletes nothing. The kubectl download is real (@actions/tool-cache) from a server on 127.0.0.1
// with dl.k8s.io's layout (dl.k8s.io cannot be reached here). The DockerPort is a recording stand-in:
// the point is that neither step calls it at all, which a real Engine could not show.
import { createHash } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { DockerPort } from '../../../src/docker/port.js'

const arch = process.arch === 'arm64' ? 'arm64' : 'amd64'
const binary = Buffer.from('#!/bin/sh\necho kubectl\n')
let server: Server
const requested: string[] = []
const saved = { ...process.env }
let base = ''

function recordingPort(calls: string[]): DockerPort {
  return new Proxy({} as DockerPort, {
    get: (_target, property) => async () => {
      calls.push(String(property))
    }
  })
}

beforeAll(async () => {
  server = createServer((req, res) => {
    requested.push(req.url ?? '')
    const url = req.url ?? ''
    if (url.endsWith('/kubectl')) return res.end(binary)
    if (url.endsWith('/kubectl.sha256')) return res.end(createHash('sha256').update(binary).digest('hex'))
    res.statusCode = 404
    res.end()
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
})

afterAll(() => {
  server.close()
})

beforeEach(() => {
  base = mkdtempSync(join(tmpdir(), 'install-only-'))
  const address = server.address()
  Object.assign(process.env, {
    RUNNER_TEMP: join(base, 'temp'),
    RUNNER_TOOL_CACHE: join(base, 'tool-cache'),
    GITHUB_ENV: join(base, 'env'),
    GITHUB_PATH: join(base, 'path'),
    GITHUB_STATE: join(base, 'state'),
    GITHUB_OUTPUT: join(base, 'output'),
    KIND_ACTION_KUBECTL_RELEASE_URL: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`
  })
  for (const file of ['env', 'path', 'state', 'output']) writeFileSync(join(base, file), '')
  requested.length = 0
})

afterEach(() => {
  process.env = { ...saved }
  process.exitCode = undefined
})

describe('install_only', () => {
  it('main installs the kubectl of the chosen Kubernetes version, exports the kind version, saves no state and never calls Docker', async () => {
    const { run } = await import('../../../src/main.js')
    Object.assign(process.env, { INPUT_INSTALL_ONLY: 'true', INPUT_VERSION: 'v0.29.0' })
    const calls: string[] = []
    await run(recordingPort(calls), process.env)
    expect(process.exitCode).toBeUndefined()
    expect(calls).toEqual([])
    // kind v0.29.0's default image is Kubernetes 1.33.1: its kubectl, as the cluster would have had.
    expect(requested).toEqual(expect.arrayContaining([`/v1.33.1/bin/linux/${arch}/kubectl`, `/v1.33.1/bin/linux/${arch}/kubectl.sha256`]))
    expect(readFileSync(join(base, 'path'), 'utf8')).toContain(join(base, 'tool-cache', 'kubectl', '1.33.1', arch))
    expect(readFileSync(join(base, 'env'), 'utf8')).toMatch(/KIND_ACTION_KIND_VERSION<<.*\nv0\.29\.0\n/)
    expect(readFileSync(join(base, 'state'), 'utf8')).toBe('')
  })

  it('main takes kubectl_version when given (the old spelling skipClusterCreation works too)', async () => {
    const { run } = await import('../../../src/main.js')
    Object.assign(process.env, { INPUT_SKIPCLUSTERCREATION: 'true', INPUT_KUBECTL_VERSION: 'v1.36.1' })
    const calls: string[] = []
    await run(recordingPort(calls), process.env)
    expect(process.exitCode).toBeUndefined()
    expect(calls).toEqual([])
    expect(requested).toContain(`/v1.36.1/bin/linux/${arch}/kubectl`)
  })

  it('post with no state from main deletes nothing and never calls Docker', async () => {
    const { run } = await import('../../../src/post.js')
    Object.assign(process.env, { INPUT_INSTALL_ONLY: 'true', INPUT_VERSION: 'v0.29.0' })
    const calls: string[] = []
    await run(recordingPort(calls), process.env)
    expect(calls).toEqual([])
  })

  it('post without install_only would look for the cluster: the stand-in sees Docker calls (the test above can fail)', async () => {
    const { run } = await import('../../../src/post.js')
    Object.assign(process.env, { INPUT_VERSION: 'v0.29.0', INPUT_LOGS: 'never' })
    const calls: string[] = []
    await run(recordingPort(calls), process.env)
    expect(calls.length).toBeGreaterThan(0)
  })
})
