// The shared `kind` Docker network, made exactly as kind makes it (kind-spec §1): bridge, IP
// masquerade, the bridge network's MTU, and a ULA IPv6 /64 derived from the network's name.
import { createHash } from 'node:crypto'
import { engineMessage, type DockerPort, type NetworkInfo } from '../docker/port.js'
import { environmentNamesAProxy, type ProxyVariables } from './docker-config-proxy.js'

/** kind's generateULASubnetFromName: sha1(name ‖ int32le(attempt)) → fc00:xxxx:xxxx:xxxx::/64. */
export function ulaSubnetFromName(name: string, attempt: number): string {
  const counter = Buffer.alloc(4)
  counter.writeInt32LE(attempt)
  const digest = createHash('sha1').update(Buffer.concat([Buffer.from(name, 'utf8'), counter])).digest()
  const group = (i: number): string => ((digest[i] << 8) | digest[i + 1]).toString(16)
  return `fc00:${group(2)}:${group(4)}:${group(6)}::/64`
}

const IPV6_UNAVAILABLE = [
  'Cannot read IPv6 setup for bridge',
  'Failed to Setup IP tables: Unable to enable NAT rule:  (iptables failed: ip6tables',
  'setting default policy to DROP in FORWARD chain failed:  (iptables failed: ip6tables'
]

function isPoolOverlap(message: string): boolean {
  return message.includes('Pool overlaps with other one on this address space') || message.includes('networks have overlapping')
}

/** Removes duplicates left by a creation race: keep the one with most containers, then lowest ID. */
async function dedupe(docker: DockerPort, networks: NetworkInfo[]): Promise<NetworkInfo | undefined> {
  const sorted = [...networks].sort((a, b) => b.containers - a.containers || (a.id < b.id ? -1 : 1))
  await Promise.all(sorted.slice(1).map(n => docker.removeNetwork(n.id).catch(() => undefined)))
  return sorted[0]
}

export async function ensureNetwork(docker: DockerPort, name: string): Promise<NetworkInfo> {
  const existing = await dedupe(docker, await docker.listNetworks(name))
  if (existing) return existing

  const bridge = (await docker.listNetworks('bridge'))[0]
  const mtu = Number.parseInt(bridge?.options['com.docker.network.driver.mtu'] ?? '', 10)
  const options: Record<string, string> = { 'com.docker.network.bridge.enable_ip_masquerade': 'true' }
  if (mtu > 0) options['com.docker.network.driver.mtu'] = String(mtu)

  let ipv6 = true
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      await docker.createNetwork({
        Name: name,
        Driver: 'bridge',
        Options: options,
        ...(ipv6
          ? { EnableIPv6: true, IPAM: { Driver: 'default', Config: [{ Subnet: ulaSubnetFromName(name, attempt) }] } }
          : {})
      })
      break
    } catch (error) {
      const message = engineMessage(error)
      if (/already exists/.test(message)) break
      if (ipv6 && IPV6_UNAVAILABLE.some(m => message.includes(m))) {
        ipv6 = false
        attempt--
        continue
      }
      if (isPoolOverlap(message)) {
        if ((await docker.listNetworks(name)).length) break
        continue
      }
      throw new Error(`creating Docker network "${name}": ${message}`)
    }
  }
  const created = await dedupe(docker, await docker.listNetworks(name))
  if (!created) throw new Error(`creating Docker network "${name}": exhausted attempts trying to find a non-overlapping subnet`)
  return created
}

/**
 * kind-spec §2.7: proxy variables for every container, with NO_PROXY extended to cover the cluster. Each
 * variable the host environment leaves empty comes from the Docker CLI config's proxies (kind v0.33),
 * unless the environment names an HTTP(S) proxy of its own.
 */
export function proxyEnvironment(
  hostEnv: Record<string, string | undefined>,
  cluster: { podSubnet: string; serviceSubnet: string },
  networkSubnets: string[],
  containerNames: string[],
  dockerConfig: ProxyVariables = {}
): Record<string, string> {
  const env: Record<string, string> = {}
  const fromDockerConfig = !environmentNamesAProxy(hostEnv)
  for (const key of ['HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY'] as const) {
    const value = hostEnv[key] || hostEnv[key.toLowerCase()] || (fromDockerConfig ? dockerConfig[key] : '') || ''
    if (value) env[key] = value
  }
  if (Object.keys(env).length === 0) return {}
  const noProxy = [
    ...networkSubnets,
    [env.NO_PROXY, cluster.serviceSubnet, cluster.podSubnet].filter(Boolean).join(','),
    ...containerNames,
    '.svc',
    '.svc.cluster',
    '.svc.cluster.local'
  ].join(',')
  env.NO_PROXY = noProxy
  const result: Record<string, string> = {}
  for (const [k, v] of Object.entries(env)) {
    result[k] = v
    result[k.toLowerCase()] = v
  }
  return result
}
