// The local registry's Docker side (registry: true) against a real Docker Engine and the real registry
// image (build-registry.sh), with busybox containers standing in for nodes on a network of their own;
// containerd reading the hosts.toml files and the ConfigMap are the e2e test's (registry.test.ts).
import { execFileSync } from 'node:child_process'
import { createServer, type Server } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureImage } from '../../src/cluster/images.js'
import { DockerodePort } from '../../src/docker/dockerode-port.js'
import { assertRegistryNameFree, removeRegistry, startRegistry, writeHostsFiles } from '../../src/registry/apply.js'
import { planRegistry, REGISTRY_LABEL } from '../../src/registry/plan.js'
import { BUSYBOX_IMAGE, ensureBusyboxImage, uniqueName } from '../helpers/docker.js'
import { ensureRegistryImage, freePort, importTinyImage, waitForRegistry } from '../helpers/registry.js'

const docker = new DockerodePort()
const network = uniqueName('registry-net')
const registryName = uniqueName('registry')
const nodes = [uniqueName('registry-node'), uniqueName('registry-node')]
const owner = { 'io.github.kind-action.owner': `test.${registryName}` }
let port: number
const cleanUp: string[] = [registryName, ...nodes]

describe('the local registry on a real Docker Engine', () => {
  beforeAll(async () => {
    ensureRegistryImage()
    await ensureBusyboxImage()
    execFileSync('docker', ['network', 'create', network], { stdio: 'ignore' })
    for (const node of nodes) {
      execFileSync('docker', ['run', '-d', '--name', node, '--network', network, BUSYBOX_IMAGE, 'sleep', '600'], { stdio: 'ignore' })
    }
    port = await freePort()
  })
  afterAll(() => {
    for (const name of cleanUp) execFileSync('docker', ['rm', '-f', name], { stdio: 'ignore' })
    execFileSync('docker', ['network', 'rm', network], { stdio: 'ignore' })
  })

  it('starts the registry on the network, answering on 127.0.0.1:<registry_port> only', async () => {
    const plan = planRegistry({ image: 'registry:2', name: registryName, port, enableDelete: false }, 'ci', network, owner)
    await assertRegistryNameFree(docker, registryName)
    await startRegistry(docker, plan)
    expect(await waitForRegistry(`127.0.0.1:${port}`)).toBe(200)
    const info = await docker.inspectContainer(registryName)
    expect(Object.keys(info?.networks ?? {})).toEqual([network])
    expect(info?.ports['5000/tcp']).toEqual([{ HostIp: '127.0.0.1', HostPort: String(port) }])
    expect(info?.labels).toMatchObject({ ...owner, [REGISTRY_LABEL]: 'ci' })
  })

  it('refuses a registry_name that is taken, before creating anything', async () => {
    await expect(assertRegistryNameFree(docker, registryName)).rejects.toThrow(`registry_name: a container named "${registryName}" already exists`)
  })

  it('takes a docker push to localhost:<port> that a pull through our port gets back', async () => {
    const ref = `localhost:${port}/registry-it/hello:1`
    importTinyImage(ref, 'pushed')
    execFileSync('docker', ['push', ref], { stdio: 'ignore' })
    execFileSync('docker', ['image', 'rm', ref], { stdio: 'ignore' })
    expect(await ensureImage(docker, ref, async () => undefined)).toMatchObject({ pulled: true })
    execFileSync('docker', ['image', 'rm', ref], { stdio: 'ignore' })
  })

  it('writes every hosts.toml into every node', async () => {
    const plan = planRegistry({ image: 'registry:2', name: registryName, port, enableDelete: false }, 'ci', network, owner)
    await writeHostsFiles(docker, plan, nodes)
    for (const node of nodes) {
      for (const file of plan.nodeFiles) {
        expect((await docker.exec(node, ['cat', file.path])).stdout).toBe(file.content)
      }
    }
  })

  it('names registry_port when the port is taken', async () => {
    const server: Server = createServer()
    const busy = await freePort()
    await new Promise<void>(resolve => server.listen(busy, '127.0.0.1', resolve))
    const name = uniqueName('registry-busy')
    cleanUp.push(name)
    try {
      const plan = planRegistry({ image: 'registry:2', name, port: busy, enableDelete: false }, 'ci', network, owner)
      await expect(startRegistry(docker, plan)).rejects.toThrow(`the local registry did not start (registry_port ${busy} on 127.0.0.1 may be in use)`)
    } finally {
      server.close()
    }
  })

  it('removes only the registry this job made for this cluster', async () => {
    expect(await removeRegistry(docker, registryName, 'other-cluster', owner)).toBe('not ours')
    expect(await removeRegistry(docker, registryName, 'ci', { 'io.github.kind-action.owner': 'another-job' })).toBe('not ours')
    expect(await removeRegistry(docker, nodes[0], 'ci', owner)).toBe('not ours')
    expect(await removeRegistry(docker, registryName, 'ci', owner)).toBe('removed')
    expect(await docker.inspectContainer(registryName)).toBeUndefined()
    expect(await removeRegistry(docker, registryName, 'ci', owner)).toBe('absent')
  })
})
