// Where the API server is reached from this host: through a published port, or at a node's address.
import type { NodeSummary } from './types.js'

/** The published 6443/tcp of the load balancer or lone control plane, as kubectl on the host reaches it. */
export function hostEndpoint(ports: Record<string, { HostIp: string; HostPort: string }[]>): string {
  const binding = ports['6443/tcp']?.[0]
  if (!binding) throw new Error('the API server port 6443/tcp is not published')
  const host = binding.HostIp.includes(':') ? `[${binding.HostIp}]` : binding.HostIp
  return `https://${host}:${binding.HostPort}`
}

/**
 * A node's own API server, for a host that routes to the cluster's network: its serving certificate
 * names the node's address (kubeadm's advertise address), so TLS holds.
 */
export function nodeApiServer(node: NodeSummary, ipFamily: string): string {
  if (ipFamily === 'ipv6') return `https://[${node.ipv6}]:6443`
  return `https://${node.ipv4}:6443`
}
