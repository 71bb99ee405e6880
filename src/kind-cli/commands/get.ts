// `kind get clusters|nodes|kubeconfig`: names one per line and the kubeconfig on stdout; "none found"
// notes on stderr, so `$(kind get clusters)` is empty when there are none.
import { CLUSTER_LABEL } from '../../cluster/identity.js'
import { encodeKubeconfig, readClusterKubeconfig } from '../../cluster/cluster-kubeconfig.js'
import type { DockerPort } from '../../docker/port.js'
import { clusterName, flag, type CliContext } from '../context.js'

/** kind's ListClusters: every value of the cluster label, de-duplicated and sorted. */
export async function listClusters(docker: DockerPort): Promise<string[]> {
  const containers = await docker.listContainers({ [CLUSTER_LABEL]: '' })
  return [...new Set(containers.map(c => c.labels[CLUSTER_LABEL]).filter(Boolean))].sort()
}

/** kind's ListNodes: the cluster's container names (load balancer and stopped ones included), in Docker's order. */
export async function listNodes(docker: DockerPort, cluster: string): Promise<string[]> {
  return (await docker.listContainers({ [CLUSTER_LABEL]: cluster })).map(c => c.name)
}

export async function getClusters(c: CliContext): Promise<void> {
  const clusters = await listClusters(c.docker)
  if (!clusters.length) return c.log.info('No kind clusters found.')
  c.io.out(clusters.map(name => `${name}\n`).join(''))
}

export async function getNodes(c: CliContext): Promise<void> {
  let nodes: string[]
  if (flag<boolean>(c, 'all-clusters')) {
    nodes = []
    for (const cluster of await listClusters(c.docker)) nodes.push(...(await listNodes(c.docker, cluster)))
    if (!nodes.length) return c.log.info('No kind nodes for any cluster.')
  } else {
    const name = clusterName(c)
    nodes = await listNodes(c.docker, name)
    if (!nodes.length) return c.log.info(`No kind nodes found for cluster ${JSON.stringify(name)}.`)
  }
  c.io.out(nodes.map(name => `${name}\n`).join(''))
}

export async function getKubeconfig(c: CliContext): Promise<void> {
  const doc = await readClusterKubeconfig(c.docker, clusterName(c), flag<boolean>(c, 'internal'))
  // kind prints the encoded config with Println: a blank line ends it.
  c.io.out(`${encodeKubeconfig(doc)}\n`)
}
