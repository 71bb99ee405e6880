// kind's external load balancer for several control planes (kind-spec §5.2): started, then configured
// for every control plane. Without one, the milestone is reached at once.
import { configureLoadBalancer } from '../node-config.js'
import { loadBalancerName } from '../identity.js'
import type { Creation } from '../creation/context.js'
import { startContainer } from './nodes.js'

export async function startLoadBalancer(c: Creation): Promise<void> {
  const ready = c.milestones.loadBalancerReady
  if (!c.ha) return ready.reach()
  try {
    await c.phases.timed('Starting the load balancer', async () => {
      await startContainer(c.docker, c.container(loadBalancerName(c.cluster.name)))
      await configureLoadBalancer(c.docker, c.cluster, c.nodes)
    })
    ready.reach()
  } catch (error) {
    ready.fail(error)
    throw error
  }
}
