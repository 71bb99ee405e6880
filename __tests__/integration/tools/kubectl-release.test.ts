// kubectl_version: the release download with its checksum checked. dl.k8s.io cannot be reached here, so
// a local HTTP server on 127.0.0.1 serves the same URL layout (KIND_ACTION_KUBECTL_RELEASE_URL points
// the action at it); the download itself goes through the real @actions/tool-cache.
import { createHash } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const arch = process.arch === 'arm64' ? 'arm64' : 'amd64'
const good = Buffer.from('#!/bin/sh\necho fake kubectl\n')
let server: Server
let served: Record<string, Buffer>

beforeAll(async () => {
  const base = mkdtempSync(join(tmpdir(), 'kubectl-release-'))
  process.env.RUNNER_TEMP = join(base, 'temp')
  process.env.RUNNER_TOOL_CACHE = join(base, 'tool-cache')
  served = {
    [`/v1.34.4/bin/linux/${arch}/kubectl`]: good,
    [`/v1.34.4/bin/linux/${arch}/kubectl.sha256`]: Buffer.from(createHash('sha256').update(good).digest('hex')),
    [`/v1.34.5/bin/linux/${arch}/kubectl`]: good,
    [`/v1.34.5/bin/linux/${arch}/kubectl.sha256`]: Buffer.from('0'.repeat(64))
  }
  server = createServer((req, res) => {
    const body = served[req.url ?? '']
    res.statusCode = body ? 200 : 404
    res.end(body ?? 'not found')
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  process.env.KIND_ACTION_KUBECTL_RELEASE_URL = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`
})

afterAll(() => {
  server.close()
})

describe('installKubectlRelease', () => {
  it('downloads, verifies the SHA-256, caches the tool and puts it on PATH', async () => {
    const { installKubectlRelease } = await import('../../../src/tools/kubectl.js')
    const path = await installKubectlRelease('v1.34.4')
    expect(path).toBe(join(process.env.RUNNER_TOOL_CACHE!, 'kubectl', '1.34.4', arch, 'kubectl'))
    expect(readFileSync(path)).toEqual(good)
    expect(process.env.PATH?.split(':')).toContain(join(process.env.RUNNER_TOOL_CACHE!, 'kubectl', '1.34.4', arch))
  })

  it('refuses a download whose checksum does not match, naming the input', async () => {
    const { installKubectlRelease } = await import('../../../src/tools/kubectl.js')
    await expect(installKubectlRelease('v1.34.5')).rejects.toThrow(/^kubectl_version: the download of .*\/v1\.34\.5\/bin\/linux\/.*\/kubectl has SHA-256 [0-9a-f]{64}, but the release publishes 0{64}$/)
  })

  it('fails clearly for a release that does not exist', async () => {
    const { installKubectlRelease } = await import('../../../src/tools/kubectl.js')
    await expect(installKubectlRelease('v9.9.9')).rejects.toThrow(/^kubectl_version: v9\.9\.9 could not be downloaded from http:\/\/127\.0\.0\.1:\d+\/v9\.9\.9\/bin\/linux\/\w+\/kubectl: .*404/)
  })
})
