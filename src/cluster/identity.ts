// What makes a container part of a kind cluster, exactly as the kind CLI keys on it (kind-spec §0).
import type { Cluster, Node, NodeRole } from '../config/types.js'

export const CLUSTER_LABEL = 'io.x-k8s.kind.cluster'
export const ROLE_LABEL = 'io.x-k8s.kind.role'
export const LOAD_BALANCER_ROLE = 'external-load-balancer'
export const DEFAULT_NETWORK = 'kind'
export const API_SERVER_PORT = 6443

export type ContainerRole = NodeRole | typeof LOAD_BALANCER_ROLE

export interface PlannedNode {
  name: string
  role: NodeRole
  config: Node
}

/** Node container names as kind's namer makes them: <cluster>-<role>, then <cluster>-<role>2, ... per role. */
export function planNodeNames(cluster: Cluster): PlannedNode[] {
  const seen: Record<string, number> = {}
  return cluster.nodes.map(config => {
    const count = (seen[config.role] = (seen[config.role] ?? 0) + 1)
    const suffix = count === 1 ? '' : String(count)
    return { name: `${cluster.name}-${config.role}${suffix}`, role: config.role, config }
  })
}

/** kind puts an external load balancer in front of two or more control planes. */
export function needsLoadBalancer(cluster: Cluster): boolean {
  return cluster.nodes.filter(n => n.role === 'control-plane').length >= 2
}

export function loadBalancerName(clusterName: string): string {
  return `${clusterName}-external-load-balancer`
}

/** kind's bootstrap control plane: the control-plane container whose name sorts first. */
export function sortedControlPlanes(nodes: PlannedNode[]): PlannedNode[] {
  return nodes.filter(n => n.role === 'control-plane').sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
}

export function kubeconfigContext(clusterName: string): string {
  return `kind-${clusterName}`
}

/** Internal API endpoint, as nodes reach it on the Docker network. */
export function controlPlaneEndpoint(cluster: Cluster): string {
  const host = needsLoadBalancer(cluster) ? loadBalancerName(cluster.name) : `${cluster.name}-control-plane`
  return `${host}:${API_SERVER_PORT}`
}
