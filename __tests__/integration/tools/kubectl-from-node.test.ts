// The default kubectl: the node image's own, copied out of a node container by the real Docker Engine
// (`docker cp`, no process in the node) into the real @actions/tool-cache. The container is only
// created, never started: the copy must work while the node is still booting.
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DockerodePort } from '../../../src/docker/dockerode-port.js'
import { installKubectlFromNode } from '../../../src/tools/kubectl.js'
import { BUSYBOX_IMAGE, ensureBusyboxImage, uniqueName } from '../../helpers/docker.js'

const docker = new DockerodePort()
const withKubectl = uniqueName('kubectl')
const withoutKubectl = uniqueName('nokubectl')
const arch = process.arch === 'arm64' ? 'arm64' : 'amd64'
// Large enough to span many tar blocks and stream chunks, not a multiple of 512.
const binary = Buffer.concat([Buffer.from('#!/bin/sh\necho kubectl from the node\n'), Buffer.alloc(5 * 1024 * 1024 + 77, 7)])

beforeAll(async () => {
  const base = mkdtempSync(join(tmpdir(), 'kubectl-node-'))
  process.env.RUNNER_TEMP = join(base, 'temp')
  process.env.RUNNER_TOOL_CACHE = join(base, 'tool-cache')
  await ensureBusyboxImage()
  for (const name of [withKubectl, withoutKubectl]) execFileSync('docker', ['create', '--name', name, BUSYBOX_IMAGE, 'true'])
  const file = join(base, 'kubectl')
  writeFileSync(file, binary, { mode: 0o644 })
  // The busybox image has no /usr/bin: it goes in as an archive (mode 644; the install makes it executable).
  execFileSync('sh', ['-c', `mkdir -p ${base}/usr/bin && cp ${file} ${base}/usr/bin/kubectl && tar -C ${base} -c usr | docker cp - ${withKubectl}:/`])
})

afterAll(() => {
  for (const name of [withKubectl, withoutKubectl]) execFileSync('docker', ['rm', '-f', name], { stdio: 'ignore' })
})

describe('installKubectlFromNode', () => {
  it('copies /usr/bin/kubectl out of a created (not started) node byte for byte, executable, onto PATH', async () => {
    const path = await installKubectlFromNode(docker, withKubectl, 'v1.34.4')
    expect(path).toBe(join(process.env.RUNNER_TOOL_CACHE!, 'kubectl', '1.34.4', arch, 'kubectl'))
    expect(createHash('sha256').update(readFileSync(path)).digest('hex')).toBe(createHash('sha256').update(binary).digest('hex'))
    expect(statSync(path).mode & 0o111).toBe(0o111)
    expect(process.env.PATH?.split(':')).toContain(join(process.env.RUNNER_TOOL_CACHE!, 'kubectl', '1.34.4', arch))
  })

  it('uses the tool cache for a version it already holds, without touching the node', async () => {
    const path = await installKubectlFromNode(docker, 'no-such-container', 'v1.34.4')
    expect(readFileSync(path).equals(binary)).toBe(true)
  })

  it('fails naming the node and the path when the node has no kubectl', async () => {
    await expect(installKubectlFromNode(docker, withoutKubectl, 'v1.33.0')).rejects.toThrow(
      new RegExp(`^copying /usr/bin/kubectl out of ${withoutKubectl}: .*(No such|not found|Could not find)`, 'i')
    )
  })
})
