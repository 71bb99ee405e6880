// The kubeadm template input for one node, from the cluster config and the node's Docker addresses
// (kind's create/actions/config getKubeadmConfig, §4.2).

import { isIP, isIPv4 } from 'node:net'
import type { Cluster, Node } from '../config/types.js'
import { KubeadmConfigError, type KubeadmConfigData } from './config-data.js'

export interface NodeIPs {
  /** The node's IPv4 address on the cluster network ('' if none). */
  ipv4: string
  /** The node's global IPv6 address on the cluster network ('' if none). */
  ipv6: string
}

function isIPv4Literal(ip: string): boolean {
  // Go treats IPv4-mapped IPv6 addresses as IPv4.
  return isIPv4(ip) || (isIP(ip) === 6 && /^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(ip))
}

function primaryIsIPv4(serviceSubnet: string): boolean {
  const primary = serviceSubnet.split(',')[0] as string
  const [ip, prefix, ...rest] = primary.split('/')
  const bits = isIP(ip ?? '') === 4 ? 32 : 128
  if (rest.length > 0 || !isIP(ip ?? '') || !/^[0-9]+$/.test(prefix ?? '') || Number(prefix) > bits) {
    throw new KubeadmConfigError(`failed to parse primary Service Subnet ${primary} (${serviceSubnet})`)
  }
  return isIPv4Literal(ip as string)
}

/** The node address kind passes to kubeadm (§4.2). */
export function nodeAddressFor(cluster: Cluster, nodeName: string, ips: NodeIPs): string {
  const family = cluster.networking.ipFamily
  if (family === 'ipv4') return ips.ipv4
  if (isIP(ips.ipv6) === 0) {
    throw new KubeadmConfigError(`failed to get IPv6 address for node ${nodeName}; is docker configured to use IPv6 correctly?`)
  }
  if (family === 'ipv6') return ips.ipv6
  return primaryIsIPv4(cluster.networking.serviceSubnet) ? `${ips.ipv4},${ips.ipv6}` : `${ips.ipv6},${ips.ipv4}`
}

/** kind iterates a Go map here (random order); sorted makes the file reproducible. */
export function nodeLabelsString(labels: Record<string, string>): string {
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}=${labels[k] as string}`)
    .join(',')
}

export function kubeadmDataForNode(
  cluster: Cluster,
  node: Node,
  nodeName: string,
  ips: NodeIPs,
  kubernetesVersion: string,
  controlPlaneEndpoint: string,
  options: { rootless?: boolean } = {}
): KubeadmConfigData {
  return {
    clusterName: cluster.name,
    kubernetesVersion,
    controlPlaneEndpoint,
    apiServerAddress: cluster.networking.apiServerAddress,
    podSubnet: cluster.networking.podSubnet,
    serviceSubnet: cluster.networking.serviceSubnet,
    kubeProxyMode: cluster.networking.kubeProxyMode,
    ipFamily: cluster.networking.ipFamily,
    featureGates: { ...cluster.featureGates },
    runtimeConfig: { ...cluster.runtimeConfig },
    nodeName,
    nodeAddress: nodeAddressFor(cluster, nodeName, ips),
    nodeLabels: nodeLabelsString(node.labels),
    controlPlane: node.role === 'control-plane',
    rootless: options.rootless ?? false
  }
}
