// Facts about the Docker host that change how kind runs containers (kind-spec §2.3), and free ports.
import { createServer, type Server } from 'node:net'
import type { DockerInfo } from '../docker/port.js'
import type { HostFacts } from './container-plan.js'

export function hostFacts(info: DockerInfo, env: Record<string, string | undefined>): HostFacts {
  const has = (needle: string): boolean => info.securityOptions.some(o => o.includes(needle))
  const rootless = has('name=rootless')
  return {
    usernsRemap: has('name=userns'),
    rootless,
    cgroupV1: info.cgroupVersion !== '2',
    routesToContainers: !rootless && daemonIsLocal(info, env),
    ...(info.cpus > 0 ? { cpus: info.cpus } : {}),
    needsDevMapper:
      ['btrfs', 'zfs', 'devicemapper'].includes(info.driver) || ['btrfs', 'zfs', 'xfs'].includes(info.backingFilesystem),
    ...(env.KIND_EXPERIMENTAL_CONTAINERD_SNAPSHOTTER !== undefined
      ? { snapshotter: env.KIND_EXPERIMENTAL_CONTAINERD_SNAPSHOTTER }
      : {})
  }
}

/** A daemon on this host's own Unix socket, not a VM behind it (Docker Desktop) nor a remote DOCKER_HOST. */
function daemonIsLocal(info: DockerInfo, env: Record<string, string | undefined>): boolean {
  const host = env.DOCKER_HOST ?? ''
  return (host === '' || host.startsWith('unix://')) && !/Docker Desktop/i.test(info.operatingSystem)
}

function listen(address: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    // The wildcard addresses are probed as such; an empty address means the IPv4 wildcard.
    server.listen(0, address || '0.0.0.0', () => resolve(server))
  })
}

/**
 * kind's free-port probe: listen on <address>:0 and read the port. All listeners stay open until every
 * port is known, so no two mappings of the cluster get the same port.
 */
export async function pickFreePorts(requests: Record<string, { listenAddress: string; count: number }[]>): Promise<Record<string, number[]>> {
  const servers: Server[] = []
  const result: Record<string, number[]> = {}
  try {
    for (const [container, wants] of Object.entries(requests)) {
      result[container] = []
      for (const want of wants) {
        for (let i = 0; i < want.count; i++) {
          const server = await listen(want.listenAddress)
          servers.push(server)
          const address = server.address()
          if (address && typeof address === 'object') result[container].push(address.port)
        }
      }
    }
    return result
  } finally {
    await Promise.all(servers.map(s => new Promise(r => s.close(r))))
  }
}
