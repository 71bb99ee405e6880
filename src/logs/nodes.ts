// The nodes of a cluster as the kind CLI finds them (kind-spec §0): containers labelled with the
// cluster's name, stopped ones included; "internal" nodes are the control planes and workers (the load
// balancer is no Kubernetes node); the bootstrap control plane is the one whose name sorts first.
import type { DockerPort } from '../docker/port.js'
import { CLUSTER_LABEL, ROLE_LABEL } from '../cluster/identity.js'

export interface ClusterNode {
  name: string
  role: string
  running: boolean
  /** Docker's state word: running, exited, created, ... */
  state: string
}

export interface ClusterNodes {
  /** Internal nodes, sorted by name. */
  nodes: ClusterNode[]
  /** The first control plane by name, if any. */
  bootstrap?: ClusterNode
}

/** `labels` narrows the search further, e.g. to this job's containers (the post step's owner label). */
export async function findClusterNodes(docker: DockerPort, clusterName: string, labels: Record<string, string> = {}): Promise<ClusterNodes> {
  const containers = await docker.listContainers({ [CLUSTER_LABEL]: clusterName, ...labels })
  const nodes = containers
    .map(c => ({ name: c.name, role: c.labels[ROLE_LABEL] ?? '', running: c.state === 'running', state: c.state }))
    .filter(n => n.role === 'control-plane' || n.role === 'worker')
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  return { nodes, bootstrap: nodes.find(n => n.role === 'control-plane') }
}
