// `kind delete cluster` and `kind delete clusters`: idempotent, like rm -f; the cluster's entries go
// from every kubeconfig file kind would look at.
import { join } from 'node:path'
import { deleteCluster } from '../../cluster/delete.js'
import { clusterName, flag, goQuoteList, type CliContext } from '../context.js'
import { listClusters, listNodes } from './get.js'

/** kind's kubeconfig paths for removal: --kubeconfig, else every $KUBECONFIG entry, else ~/.kube/config. */
export function kubeconfigPathsForRemoval(explicit: string, kubeconfigEnv: string | undefined, home: string): string[] {
  if (explicit) return [explicit]
  const entries = [...new Set((kubeconfigEnv ?? '').split(':').filter(Boolean))]
  return entries.length ? entries : [join(home, '.kube', 'config')]
}

async function deleteOne(c: CliContext, name: string): Promise<void> {
  // kind lists the nodes in Docker's order (newest first); deleteCluster returns them sorted.
  const order = await listNodes(c.docker, name)
  const result = await deleteCluster(c.docker, name, {
    kubeconfigPaths: kubeconfigPathsForRemoval(flag<string>(c, 'kubeconfig'), c.env.KUBECONFIG, c.home)
  })
  if (result.removedContainers.length) c.log.info(`Deleted nodes: ${goQuoteList(order.filter(n => result.removedContainers.includes(n)))}`)
  if (result.errors.length) throw new Error(`failed to delete cluster ${JSON.stringify(name)}: ${result.errors.join('; ')}`)
}

export async function deleteClusterCommand(c: CliContext): Promise<void> {
  const name = clusterName(c)
  c.log.info(`Deleting cluster ${JSON.stringify(name)} ...`)
  await deleteOne(c, name)
}

export async function deleteClustersCommand(c: CliContext): Promise<void> {
  const all = flag<boolean>(c, 'all')
  if (!all && !c.parsed.args.length) throw new Error('no cluster names provided')
  const names = all ? await listClusters(c.docker) : c.parsed.args
  const deleted: string[] = []
  for (const name of names) {
    try {
      await deleteOne(c, name)
      deleted.push(name)
    } catch (error) {
      c.log.info(`${(error as Error).message}\n`)
    }
  }
  c.log.info(`Deleted clusters: ${goQuoteList(deleted)}`)
}
