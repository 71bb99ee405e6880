import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DockerodePort } from '../../src/docker/dockerode-port.js'
import { ensureBusyboxImage, BUSYBOX_IMAGE, uniqueName } from '../helpers/docker.js'

// The adapter against the real Docker Engine started by hack/docker-up.sh.
const docker = new DockerodePort()
const name = uniqueName('port')

describe('DockerodePort against a real Docker Engine', () => {
  beforeAll(async () => {
    await ensureBusyboxImage()
    await docker.createContainer({
      name,
      Image: BUSYBOX_IMAGE,
      Cmd: ['sh', '-c', 'echo booted; exec sleep 600'],
      Tty: true,
      Labels: { 'kind-action.test': name },
      Volumes: { '/data': {} },
      HostConfig: { Privileged: true }
    })
    await docker.startContainer(name)
  })
  afterAll(async () => {
    await docker.removeContainer(name).catch(() => undefined)
  })

  it('runs a command with stdin and reports stdout, stderr and the exit code', async () => {
    const result = await docker.exec(name, ['sh', '-c', 'cat; echo oops >&2; exit 3'], { stdin: 'hello\n' })
    expect(result).toEqual({ exitCode: 3, stdout: 'hello\n', stderr: 'oops\n' })
  })

  it('streams large stdin and stdout byte for byte', async () => {
    const big = Buffer.alloc(3 * 1024 * 1024, 'x')
    const result = await docker.exec(name, ['sh', '-c', 'cat > /data/big && wc -c < /data/big'], { stdin: big })
    expect(result.exitCode).toBe(0)
    expect(result.stdout.trim()).toBe(String(big.length))
  })

  it('waits for a log line and reads the logs', async () => {
    expect(await docker.waitForLog(name, /booted/, 5000)).toBe(true)
    expect(await docker.waitForLog(name, /never printed/, 300)).toBe(false)
    expect(await docker.logs(name)).toContain('booted')
  })

  it('finds containers by label and inspects them', async () => {
    const found = await docker.listContainers({ 'kind-action.test': name })
    expect(found.map(c => c.name)).toEqual([name])
    const info = await docker.inspectContainer(name)
    expect(info?.running).toBe(true)
    expect(await docker.inspectContainer(`${name}-missing`)).toBeUndefined()
  })
})
