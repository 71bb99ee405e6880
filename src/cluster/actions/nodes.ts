// kind's node containers (kind-spec §4) and its config action (§5.3): each node created, started and
// booted, then its kubeadm.conf written and containerd patched.
import type { DockerPort } from '../../docker/port.js'
import { formatSeconds } from '../../duration.js'
import type { PlannedContainer } from '../container-plan.js'
import { LOAD_BALANCER_ROLE, controlPlaneEndpoint, type PlannedNode } from '../identity.js'
import { nodeKubernetesVersion, patchContainerd, writeKubeadmConfig } from '../node-config.js'
import { DEFAULT_NODE_BOOT_WAIT_MS, NODE_BOOT_WAIT_VARIABLE } from '../node-boot-wait.js'
import { explainStartFailure } from '../port-in-use.js'
import { settleAll } from '../settle.js'
import type { NodeSummary } from '../types.js'
import type { Creation, NodeUp } from '../creation/context.js'

/** kind's readiness line: systemd reached multi-user, or the entrypoint saw cgroup v1. */
const SYSTEMD_READY = /Reached target .*Multi-User System.*|detected cgroup v1/

export async function startContainer(docker: DockerPort, container: PlannedContainer, bootWaitMs = DEFAULT_NODE_BOOT_WAIT_MS): Promise<void> {
  await docker.createContainer(container.spec)
  await docker.startContainer(container.name)
  if (container.role !== LOAD_BALANCER_ROLE) await waitForBoot(docker, container, bootWaitMs)
}

async function waitForBoot(docker: DockerPort, container: PlannedContainer, bootWaitMs: number): Promise<void> {
  if (!(await docker.waitForLog(container.name, SYSTEMD_READY, bootWaitMs))) {
    const log = (await docker.logs(container.name)).trim().split('\n').slice(-20).join('\n')
    throw new Error(
      `node ${container.name} did not boot within ${formatSeconds(bootWaitMs / 1000)} ` +
        `(no log line matching ${SYSTEMD_READY}; on a slow host, set ${NODE_BOOT_WAIT_VARIABLE} to wait longer); its last output:\n${log}`
    )
  }
}

/**
 * Every node's container, booted. Pipelined, the bootstrap node goes first and the others once it is
 * configured, so that they do not slow its creation down; strict, all at once as kind does.
 */
export async function bootNodes(c: Creation): Promise<void> {
  const bootstrapFirst = c.speedUp('pipelined-creation')
  const bootstrapConfigured = c.milestones.configured.of(c.bootstrap.name).reached
  await settleAll(
    c.nodes.map(node => bootNode(c, node, node !== c.bootstrap && bootstrapFirst ? bootstrapConfigured : Promise.resolve()))
  )
}

async function bootNode(c: Creation, node: PlannedNode, after: Promise<unknown>): Promise<void> {
  const { started, booted } = c.milestones
  try {
    await after
    await c.phases.timed(`Booting ${node.name}`, async () => {
      const planned = c.container(node.name)
      await c.docker.createContainer(planned.spec)
      await c.docker.startContainer(planned.name).catch(error => {
        throw explainStartFailure(c.cluster, error)
      })
      started.of(node.name).reach()
      await waitForBoot(c.docker, planned, c.options.nodeBootWaitMs ?? DEFAULT_NODE_BOOT_WAIT_MS)
    })
    booted.of(node.name).reach()
  } catch (error) {
    started.of(node.name).fail(error)
    booted.of(node.name).fail(error)
    throw error
  }
}

/** Every node's kubeadm.conf and containerd patches; pipelined, kubeadm.conf is written while systemd boots. */
export async function configureNodes(c: Creation): Promise<void> {
  await settleAll(c.nodes.map(node => configureNode(c, node)))
}

async function configureNode(c: Creation, node: PlannedNode): Promise<NodeUp> {
  const configured = c.milestones.configured.of(node.name)
  try {
    await c.milestones.started.of(node.name).reached
    const [summary, version] = await Promise.all([nodeSummary(c.docker, node, c.options.network), nodeKubernetesVersion(c.docker, node.name)])
    // init-certs-while-booting: kubeadm makes init's certificates and kubeconfigs with the config.
    const prepareInit = node === c.bootstrap && c.speedUp('init-certs-while-booting') ? c.reporter : undefined
    const kubeadmConf = await writeKubeadmConfig(c.docker, c.cluster, node, summary, controlPlaneEndpoint(c.cluster), version, prepareInit)
    await c.milestones.booted.of(node.name).reached
    await patchContainerd(c.docker, c.cluster, node.name)
    const up = { summary, version, kubeadmConf }
    configured.reach(up)
    return up
  } catch (error) {
    configured.fail(error)
    throw error
  }
}

async function nodeSummary(docker: DockerPort, node: PlannedNode, network: string): Promise<NodeSummary> {
  const info = await docker.inspectContainer(node.name)
  const addresses = info?.networks[network]
  if (!addresses) throw new Error(`node ${node.name} is not attached to the ${network} network`)
  return { name: node.name, role: node.role, ipv4: addresses.ipv4, ipv6: addresses.ipv6 }
}
