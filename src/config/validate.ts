// kind's config validation (pkg/internal/apis/config/validate.go), run on the defaulted Cluster,
// plus a few checks of our own for configs that kind accepts but Docker would refuse later
// (marked "ours" below): reporting them before any container exists is cheaper for the user.

import { fieldPath, indexPath } from './field-path.js'
import { formatIP, isIPv4Mapped, parseCIDR, parseIP } from './ip.js'
import type { Cluster, PortMapping } from './types.js'

const NAME_PATTERN = /^[a-z0-9.-]+$/
/** kind warns above this length: node hostnames (name + "-control-plane2") approach the 63 limit. */
export const CLUSTER_NAME_WARN_LENGTH = 50

const IP_FAMILIES = ['ipv4', 'ipv6', 'dual']
const PROXY_MODES = ['iptables', 'ipvs', 'nftables', 'none']
const ROLES = ['control-plane', 'worker']
const PROTOCOLS = ['TCP', 'UDP', 'SCTP']
const PROPAGATIONS = ['None', 'HostToContainer', 'Bidirectional']

const PORT_CHOICES = 'use 0 (a free port is chosen), -1 (Docker chooses) or 1-65535'

function quote(value: string): string {
  return JSON.stringify(value)
}

/** What is wrong with a cluster name (the config's `name` or the cluster_name input), if anything. */
export function clusterNameProblem(name: string): string | undefined {
  if (!NAME_PATTERN.test(name)) {
    return `${quote(name)} is not a valid cluster name; use lower-case letters, digits, "." and "-" (${NAME_PATTERN.source})`
  }
  // Ours: Docker container names must start with a letter or digit, and node names start with this.
  if (!/^[a-z0-9]/.test(name)) return `${quote(name)} must start with a lower-case letter or digit, as node container names begin with it`
  return undefined
}

function validateName(name: string, problems: string[]): void {
  const problem = clusterNameProblem(name)
  if (problem) problems.push(`name: ${problem}`)
}

function validatePort(port: number, path: string, problems: string[]): void {
  if (!Number.isInteger(port) || port < -1 || port > 65535) problems.push(`${path}: ${port} is out of range; ${PORT_CHOICES}`)
}

function validateSubnets(subnets: string, ipFamily: string, path: string, problems: string[]): void {
  const texts = subnets.split(',')
  const families: Array<'IPv4' | 'IPv6'> = []
  for (const text of texts) {
    const cidr = parseCIDR(text)
    if (cidr === undefined) {
      problems.push(`${path}: ${quote(text)} is not a CIDR (an address and a prefix length, such as 10.244.0.0/16 or fd00:10:244::/56)`)
      return
    }
    families.push(cidr.isIPv4 ? 'IPv4' : 'IPv6')
  }
  if (ipFamily === 'dual') {
    if (texts.length > 2 || (texts.length === 2 && families[0] === families[1])) {
      problems.push(`${path}: ${quote(subnets)} does not suit ipFamily dual; use one CIDR, or two separated by a comma: one IPv4 and one IPv6`)
    }
    return
  }
  if (ipFamily !== 'ipv4' && ipFamily !== 'ipv6') return
  const wanted = ipFamily === 'ipv4' ? 'IPv4' : 'IPv6'
  if (texts.length > 1) {
    problems.push(`${path}: ${quote(subnets)} has ${texts.length} CIDRs; ipFamily ${ipFamily} takes exactly one ${wanted} CIDR (two are for ipFamily dual)`)
  } else if (families[0] !== wanted) {
    problems.push(`${path}: ${quote(subnets)} is an ${families[0]} CIDR; ipFamily ${ipFamily} takes an ${wanted} CIDR`)
  }
}

/** The address a mapping binds, in Go's canonical text; "0.0.0.0" stands for every wildcard form. */
function bindAddress(listenAddress: string): string | undefined {
  // Since kind v0.32 an empty listen address means the wildcard, as it does for Docker.
  if (listenAddress === '') return '0.0.0.0'
  const bytes = parseIP(listenAddress)
  if (bytes === undefined) return undefined
  // "::" and "0.0.0.0" both bind every address, so kind treats them as one.
  if (!isIPv4Mapped(bytes) && bytes.every((b) => b === 0)) return '0.0.0.0'
  return formatIP(bytes)
}

function endpoint(address: string, port: number, protocol: string): string {
  return `${address.includes(':') ? `[${address}]` : address}:${port}/${protocol}`
}

interface Binding {
  path: string
  address: string
  port: number
  protocol: string
}

/**
 * Two bindings of one host port and protocol conflict when they share the address or either is
 * the wildcard. kind checks this within a node; we check across all nodes and the API server's
 * port too (ours), as every node container publishes on the same host.
 */
function findConflicts(bindings: Binding[], problems: string[]): void {
  bindings.forEach((binding, i) => {
    const earlier = bindings.slice(0, i).find(
      (other) =>
        other.port === binding.port &&
        other.protocol === binding.protocol &&
        (other.address === binding.address || other.address === '0.0.0.0' || binding.address === '0.0.0.0')
    )
    if (earlier !== undefined) {
      problems.push(
        `${binding.path}: ${endpoint(binding.address, binding.port, binding.protocol)} conflicts with ${earlier.path} ` +
          `(${endpoint(earlier.address, earlier.port, earlier.protocol)}); use another hostPort or listenAddress`
      )
    }
  })
}

function validatePortMapping(mapping: PortMapping, path: string, problems: string[], bindings: Binding[]): void {
  validatePort(mapping.hostPort, fieldPath(path, 'hostPort'), problems)
  // kind allows -1 here too, but Docker cannot publish to container port -1.
  if (!Number.isInteger(mapping.containerPort) || mapping.containerPort < 0 || mapping.containerPort > 65535) {
    problems.push(`${fieldPath(path, 'containerPort')}: ${mapping.containerPort} is out of range; use 0-65535`)
  }
  if (!PROTOCOLS.includes(mapping.protocol)) {
    problems.push(`${fieldPath(path, 'protocol')}: ${quote(mapping.protocol)} is not a protocol; use TCP, UDP or SCTP`)
  }
  const address = bindAddress(mapping.listenAddress)
  if (address === undefined) {
    // kind reports this only for fixed host ports; Docker refuses it for any port.
    problems.push(`${fieldPath(path, 'listenAddress')}: ${quote(mapping.listenAddress)} is not an IP address; use an IPv4 or IPv6 address such as 127.0.0.1, 0.0.0.0 or ::`)
    return
  }
  // 0 and -1 ask for a free port, so any number of them can coexist.
  if (mapping.hostPort > 0) bindings.push({ path, address, port: mapping.hostPort, protocol: mapping.protocol })
}

/** Every problem with the (defaulted) cluster; empty when kind and Docker would accept it. */
export function validateCluster(c: Cluster): string[] {
  const problems: string[] = []
  validateName(c.name, problems)

  const net = c.networking
  validatePort(net.apiServerPort, 'networking.apiServerPort', problems)
  if (!IP_FAMILIES.includes(net.ipFamily)) {
    problems.push(`networking.ipFamily: ${quote(net.ipFamily)} is not an IP family; use ipv4, ipv6 or dual`)
  }
  const apiServerAddress = bindAddress(net.apiServerAddress)
  if (net.apiServerAddress === '' || apiServerAddress === undefined) {
    // Ours: Docker publishes the API server port only on an IP address.
    problems.push(`networking.apiServerAddress: ${quote(net.apiServerAddress)} is not an IP address; use an IPv4 or IPv6 address such as 127.0.0.1 or ::1`)
  }
  validateSubnets(net.podSubnet, net.ipFamily, 'networking.podSubnet', problems)
  validateSubnets(net.serviceSubnet, net.ipFamily, 'networking.serviceSubnet', problems)
  if (!PROXY_MODES.includes(net.kubeProxyMode)) {
    problems.push(`networking.kubeProxyMode: ${quote(net.kubeProxyMode)} is not a proxy mode; use iptables, ipvs, nftables or none`)
  }

  const bindings: Binding[] = []
  if (apiServerAddress !== undefined && net.apiServerPort > 0) {
    bindings.push({ path: 'networking.apiServerPort', address: apiServerAddress, port: net.apiServerPort, protocol: 'TCP' })
  }
  c.nodes.forEach((node, i) => {
    const path = indexPath('nodes', i)
    if (!ROLES.includes(node.role)) {
      problems.push(`${path}.role: ${quote(node.role)} is not a role; use control-plane or worker`)
    }
    if (node.image === '') problems.push(`${path}.image: must not be empty; name a node image such as kindest/node:v1.33.1`)
    node.extraMounts.forEach((mount, j) => {
      const mountPath = indexPath(`${path}.extraMounts`, j)
      // Ours: Docker refuses bind mounts to relative container paths.
      if (!mount.containerPath.startsWith('/')) {
        problems.push(`${mountPath}.containerPath: ${quote(mount.containerPath)} is not an absolute path; use a path starting with /`)
      }
      if (!PROPAGATIONS.includes(mount.propagation)) {
        problems.push(`${mountPath}.propagation: ${quote(mount.propagation)} is not a mount propagation; use None, HostToContainer or Bidirectional`)
      }
    })
    node.extraPortMappings.forEach((mapping, j) => {
      validatePortMapping(mapping, indexPath(`${path}.extraPortMappings`, j), problems, bindings)
    })
  })
  findConflicts(bindings, problems)

  if (!c.nodes.some((node) => node.role === 'control-plane')) {
    problems.push('nodes: no control-plane node; give at least one node the role control-plane')
  }
  return problems
}

/** Things kind warns about but accepts. */
export function clusterWarnings(c: Cluster): string[] {
  const warnings: string[] = []
  if (c.name.length > CLUSTER_NAME_WARN_LENGTH) {
    warnings.push(
      `name: ${quote(c.name)} is ${c.name.length} characters long; names longer than ${CLUSTER_NAME_WARN_LENGTH} ` +
        'may make node hostnames too long on some systems'
    )
  }
  return warnings
}
