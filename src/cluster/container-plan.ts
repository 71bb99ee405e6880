// Pure planner: turns a defaulted Cluster into the Docker create options kind would use for every
// container (kind-spec §2.3–§2.10). No I/O here; host facts and chosen ports come in as arguments.
import type { Cluster, Mount, PortMapping } from '../config/types.js'
import type { ContainerSpec } from '../docker/port.js'
import {
  API_SERVER_PORT,
  CLUSTER_LABEL,
  LOAD_BALANCER_ROLE,
  ROLE_LABEL,
  loadBalancerName,
  needsLoadBalancer,
  planNodeNames,
  type PlannedNode
} from './identity.js'

export interface HostFacts {
  usernsRemap: boolean
  rootless: boolean
  /** Storage driver or backing filesystem needs /dev/mapper (btrfs, zfs, devicemapper, xfs). */
  needsDevMapper: boolean
  /** Host value of KIND_EXPERIMENTAL_CONTAINERD_SNAPSHOTTER, forwarded when set. */
  snapshotter?: string
  /** The Engine reports cgroup v1 (or no version): host workarounds for v1 apply. Not used in planning. */
  cgroupV1?: boolean
  /** The daemon is local and rootful, so this host routes to its bridge networks' container addresses. */
  routesToContainers?: boolean
  /** The cores the Engine reports (NCPU); creation's CPU-sharing tunings derive from it. Not used in planning. */
  cpus?: number
}

export interface ContainerPlanInput {
  cluster: Cluster
  network: string
  host: HostFacts
  /** Proxy variables for every container (kind-spec §2.7), already complete. */
  proxyEnv: Record<string, string>
  /** Host port for each mapping that asked for 0 ("pick a free one"), by container name, in mapping order. */
  pickedPorts: Record<string, number[]>
  loadBalancerImage: string
}

export interface PlannedContainer {
  name: string
  role: PlannedNode['role'] | typeof LOAD_BALANCER_ROLE
  spec: ContainerSpec
}

/** How many free host ports each container needs picked (mappings with hostPort 0, then the API server). */
export function portsToPick(cluster: Cluster): Record<string, { listenAddress: string; count: number }[]> {
  const result: Record<string, { listenAddress: string; count: number }[]> = {}
  const ha = needsLoadBalancer(cluster)
  for (const node of planNodeNames(cluster)) {
    const wants = apiAndExtraMappings(cluster, node, ha).filter(m => m.hostPort === 0)
    result[node.name] = wants.map(m => ({ listenAddress: m.listenAddress, count: 1 }))
  }
  if (ha) {
    const lb = loadBalancerMapping(cluster)
    result[loadBalancerName(cluster.name)] = lb.hostPort === 0 ? [{ listenAddress: lb.listenAddress, count: 1 }] : []
  }
  return result
}

function loadBalancerMapping(cluster: Cluster): PortMapping {
  const { apiServerAddress, apiServerPort } = cluster.networking
  return { listenAddress: apiServerAddress, hostPort: apiServerPort, containerPort: API_SERVER_PORT, protocol: 'TCP' }
}

/** A node's mappings in kind's order: its extraPortMappings, then (control planes) the API server. */
function apiAndExtraMappings(cluster: Cluster, node: PlannedNode, ha: boolean): PortMapping[] {
  const mappings = [...node.config.extraPortMappings]
  if (node.role === 'control-plane') {
    if (ha) {
      const loopback = cluster.networking.ipFamily === 'ipv6' ? '::1' : '127.0.0.1'
      mappings.push({ listenAddress: loopback, hostPort: 0, containerPort: API_SERVER_PORT, protocol: 'TCP' })
    } else {
      mappings.push(loadBalancerMapping(cluster))
    }
  }
  return mappings
}

export function bindString(mount: Mount): string {
  const options: string[] = []
  if (mount.readOnly) options.push('ro')
  if (mount.selinuxRelabel) options.push('Z')
  if (mount.propagation === 'Bidirectional') options.push('rshared')
  if (mount.propagation === 'HostToContainer') options.push('rslave')
  const base = `${mount.hostPath}:${mount.containerPath}`
  return options.length ? `${base}:${options.join(',')}` : base
}

function publish(
  mappings: PortMapping[],
  picked: number[]
): Pick<ContainerSpec, 'ExposedPorts'> & { PortBindings: Record<string, { HostIp: string; HostPort: string }[]> } {
  const ExposedPorts: Record<string, Record<string, never>> = {}
  const PortBindings: Record<string, { HostIp: string; HostPort: string }[]> = {}
  let next = 0
  for (const m of mappings) {
    const key = `${m.containerPort}/${m.protocol.toLowerCase()}`
    // -1: Docker picks (HostPort ""), 0: we picked one already, else as given.
    const hostPort = m.hostPort === -1 ? '' : String(m.hostPort === 0 ? picked[next++] : m.hostPort)
    ExposedPorts[key] = {}
    ;(PortBindings[key] ??= []).push({ HostIp: m.listenAddress, HostPort: hostPort })
  }
  return { ExposedPorts, PortBindings }
}

function commonOptions(input: ContainerPlanInput, role: string) {
  const { cluster, network, host, proxyEnv } = input
  const env = Object.entries(proxyEnv).map(([k, v]) => `${k}=${v}`)
  if (cluster.networking.dnsSearch !== undefined) env.push(`KIND_DNS_SEARCH=${cluster.networking.dnsSearch.join(' ')}`)
  const sysctls: Record<string, string> = {}
  if (cluster.networking.ipFamily !== 'ipv4') {
    sysctls['net.ipv6.conf.all.disable_ipv6'] = '0'
    sysctls['net.ipv6.conf.all.forwarding'] = '1'
  }
  return {
    Tty: true,
    Labels: { [CLUSTER_LABEL]: cluster.name, [ROLE_LABEL]: role },
    Env: env,
    HostConfig: {
      NetworkMode: network,
      RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 1 },
      Init: false,
      CgroupnsMode: 'private' as const,
      ...(Object.keys(sysctls).length ? { Sysctls: sysctls } : {}),
      ...(host.usernsRemap ? { UsernsMode: 'host' } : {}),
      // The docker CLI always sends a device list, empty unless rootless needs /dev/fuse.
      Devices: host.rootless ? [{ PathOnHost: '/dev/fuse', PathInContainer: '/dev/fuse', CgroupPermissions: 'rwm' }] : []
    },
    NetworkingConfig: { EndpointsConfig: { [network]: {} } }
  }
}

export function planContainers(input: ContainerPlanInput): PlannedContainer[] {
  const { cluster, host } = input
  const ha = needsLoadBalancer(cluster)
  const planned: PlannedContainer[] = planNodeNames(cluster).map(node => {
    const common = commonOptions(input, node.role)
    const mappings = apiAndExtraMappings(cluster, node, ha)
    const { ExposedPorts, PortBindings } = publish(mappings, input.pickedPorts[node.name] ?? [])
    const binds = ['/lib/modules:/lib/modules:ro']
    if (host.needsDevMapper && !host.rootless) binds.push('/dev/mapper:/dev/mapper')
    binds.push(...node.config.extraMounts.map(bindString))
    const env = [...common.Env]
    // kind passes `-e KIND_EXPERIMENTAL_CONTAINERD_SNAPSHOTTER` with no value: the docker CLI forwards the
    // host's value when set, else the bare name, which the Engine keeps as it is (no variable in the node).
    env.unshift(
      host.snapshotter !== undefined ? `KIND_EXPERIMENTAL_CONTAINERD_SNAPSHOTTER=${host.snapshotter}` : 'KIND_EXPERIMENTAL_CONTAINERD_SNAPSHOTTER'
    )
    if (node.role === 'control-plane') env.push('KUBECONFIG=/etc/kubernetes/admin.conf')
    const spec: ContainerSpec = {
      name: node.name,
      Hostname: node.name,
      Image: node.config.image,
      ...common,
      Env: env,
      Volumes: { '/var': {} },
      ExposedPorts,
      HostConfig: {
        ...common.HostConfig,
        Privileged: true,
        SecurityOpt: ['seccomp=unconfined', 'apparmor=unconfined'],
        Tmpfs: { '/tmp': '', '/run': '' },
        Binds: binds,
        PortBindings
      }
    }
    return { name: node.name, role: node.role, spec }
  })
  if (ha) {
    const name = loadBalancerName(cluster.name)
    const common = commonOptions(input, LOAD_BALANCER_ROLE)
    const { ExposedPorts, PortBindings } = publish([loadBalancerMapping(cluster)], input.pickedPorts[name] ?? [])
    planned.push({
      name,
      role: LOAD_BALANCER_ROLE,
      spec: {
        name,
        Hostname: name,
        Image: input.loadBalancerImage,
        ...common,
        ExposedPorts,
        HostConfig: { ...common.HostConfig, PortBindings }
      }
    })
  }
  return planned
}
