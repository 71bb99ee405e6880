// Cluster creation: kind's actions (kind-spec §5) in kind's order, each in actions/, over one typed
// context (creation/). The speed-ups (speedups/, docs/design/) wait for its milestones; with
// pipelined-creation on, each action starts at once and waits only for the milestones it needs.
import type { DockerPort } from '../docker/port.js'
import type { PlannedContainer } from './container-plan.js'
import { CLUSTER_LABEL } from './identity.js'
import type { ImageResolution } from './images.js'
import { waitForReadiness } from './readiness.js'
import { settleAll } from './settle.js'
import type { ControlPlaneFacts, CreatedCluster } from './types.js'
import { newCreation, type CreateOptions, type Creation } from './creation/context.js'
import { actionOrder } from './creation/order.js'
import { startSpeedUps } from './speedups/index.js'
import { prepare } from './actions/prepare.js'
import { bootNodes, configureNodes, startContainer } from './actions/nodes.js'
import { startLoadBalancer } from './actions/load-balancer.js'
import { initControlPlane } from './actions/init.js'
import { installAddons } from './actions/addons.js'
import { joinOtherNodes } from './actions/join.js'
import { exportControlPlane, onceApiServerAnswers, readControlPlaneFacts } from './actions/kubeconfig.js'

export type { CreateOptions } from './creation/context.js'

export async function assertClusterAbsent(docker: DockerPort, name: string): Promise<void> {
  const existing = await docker.listContainers({ [CLUSTER_LABEL]: name })
  if (existing.length) {
    throw new Error(
      `node(s) already exist for a cluster with the name "${name}": ${existing.map(c => c.name).join(', ')}; ` +
        'pick another cluster_name or delete that cluster first'
    )
  }
}

/**
 * kind's Provision (kind-spec §2.1): images, network and every container, created at once and booted.
 * The kind parity tests stop here to compare containers.
 */
export async function provisionContainers(options: CreateOptions): Promise<{ images: ImageResolution[]; planned: PlannedContainer[] }> {
  const { images, containers } = await prepare(options)
  await options.phases.group('Creating node containers', () => settleAll(containers.map(c => startContainer(options.docker, c, options.nodeBootWaitMs))))
  return { images, planned: containers }
}

export async function createCluster(options: CreateOptions): Promise<CreatedCluster> {
  const c = newCreation(options, await prepare(options))
  startSpeedUps(c)
  try {
    const facts = await runActions(c)
    await c.settleAlongside()
    const nodes = await Promise.all(c.nodes.map(n => c.milestones.configured.of(n.name).reached))
    return {
      name: c.cluster.name,
      nodes: nodes.map(up => up.summary),
      apiServer: facts.apiServer,
      kubernetesVersion: facts.kubernetesVersion,
      kubeconfig: facts.kubeconfig,
      bootstrapNode: c.bootstrap.name,
      images: c.images
    }
  } catch (error) {
    // Nothing started may still run when the caller reports the failure and the post step cleans up.
    await c.settleAlongside().catch(() => undefined)
    throw error
  }
}

/** kind's actions, then its wait and its kubeconfig; pipelined, the kubeconfig overlaps the joins and the wait. */
async function runActions(c: Creation): Promise<ControlPlaneFacts> {
  const pipelined = c.speedUp('pipelined-creation')
  const order = actionOrder(!pipelined)
  let controlPlane: Promise<ControlPlaneFacts> | undefined
  await c.phases.group('Creating nodes, starting the control plane', async () => {
    order.turn(() => bootNodes(c))
    order.turn(() => startLoadBalancer(c))
    order.turn(() => configureNodes(c))
    order.turn(() => initControlPlane(c))
    order.turn(() => installAddons(c))
    order.turn(() => joinOtherNodes(c))
    if (pipelined) {
      order.turn(() => onceApiServerAnswers(c))
      controlPlane = order.turn(() => readControlPlaneFacts(c)).then(facts => exportControlPlane(c, facts))
      controlPlane.catch(() => undefined)
    }
    await order.settled()
  })
  const ready = waitForNodes(c)
  if (controlPlane) return (await settleAll<unknown>([ready, controlPlane]))[1] as ControlPlaneFacts
  await ready
  const facts = await exportControlPlane(c, await readControlPlaneFacts(c))
  await onceApiServerAnswers(c)
  return facts
}

async function waitForNodes(c: Creation): Promise<void> {
  if (c.options.waitMs <= 0) return
  const nodes = c.nodes.map(n => n.name)
  await c.phases.group('Waiting for nodes Ready and CoreDNS', () => waitForReadiness(c.docker, c.bootstrap.name, nodes, c.options.waitMs))
}
