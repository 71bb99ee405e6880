import { describe, expect, it } from 'vitest'
import { hostFacts } from '../../../src/cluster/host.js'
import { nodeApiServer } from '../../../src/cluster/endpoints.js'
import type { DockerInfo } from '../../../src/docker/port.js'

const info = (over: Partial<DockerInfo> = {}, operatingSystem = 'Debian GNU/Linux 12 (bookworm)'): DockerInfo => ({
  serverVersion: '28.0.0',
  cgroupVersion: '2',
  securityOptions: ['name=seccomp,profile=builtin', 'name=cgroupns'],
  driver: 'overlay2',
  backingFilesystem: 'extfs',
  operatingSystem,
  cpus: 2,
  raw: {},
  ...over
})

describe('hostFacts: whether this host routes to container addresses', () => {
  it('a local rootful daemon does', () => {
    expect(hostFacts(info(), {}).routesToContainers).toBe(true)
    expect(hostFacts(info(), { DOCKER_HOST: 'unix:///run/docker.sock' }).routesToContainers).toBe(true)
  })

  it('a rootless daemon does not (its containers live in its own network namespace)', () => {
    const facts = hostFacts(info({ securityOptions: ['name=seccomp,profile=builtin', 'name=rootless'] }), {})
    expect(facts.rootless).toBe(true)
    expect(facts.routesToContainers).toBe(false)
  })

  it('a remote DOCKER_HOST does not', () => {
    expect(hostFacts(info(), { DOCKER_HOST: 'tcp://10.0.0.5:2376' }).routesToContainers).toBe(false)
    expect(hostFacts(info(), { DOCKER_HOST: 'ssh://builder@remote' }).routesToContainers).toBe(false)
  })

  it('Docker Desktop does not (its daemon runs in a VM)', () => {
    expect(hostFacts(info({}, 'Docker Desktop'), {}).routesToContainers).toBe(false)
  })

  it('reads cgroup v1 from the Engine, and takes no version as v1', () => {
    expect(hostFacts(info({ cgroupVersion: '1' }), {}).cgroupV1).toBe(true)
    expect(hostFacts(info({ cgroupVersion: '' }), {}).cgroupV1).toBe(true)
    expect(hostFacts(info(), {}).cgroupV1).toBe(false)
  })
})

describe('hostFacts: cores', () => {
  it("takes the Engine's NCPU, and none when it reports none", () => {
    expect(hostFacts(info({ cpus: 4 }), {}).cpus).toBe(4)
    expect(hostFacts(info({ cpus: 0 }), {}).cpus).toBeUndefined()
  })
})

describe('nodeApiServer', () => {
  const node = { name: 'kind-control-plane', role: 'control-plane', ipv4: '172.18.0.3', ipv6: 'fc00:f853:ccd:e793::3' }
  it('uses the IPv4 address unless the cluster is IPv6-only', () => {
    expect(nodeApiServer(node, 'ipv4')).toBe('https://172.18.0.3:6443')
    expect(nodeApiServer(node, 'dual')).toBe('https://172.18.0.3:6443')
    expect(nodeApiServer(node, 'ipv6')).toBe('https://[fc00:f853:ccd:e793::3]:6443')
  })
})
