// kubeadm join of every node after init (kind-spec §5.7), ordered by what each step waits for rather than
// kind's fixed sequence (control planes one by one, then workers). See docs/design/join-assist.md and
// docs/design/pipelined-creation.md.
import type { DockerPort } from '../docker/port.js'
import type { PlannedNode } from './identity.js'
import { etcdMemberJoinedWatcher, nudgeKubeletBootstrap, waitForClusterInfoSignature } from './join-assist.js'
import { kubeadmJoin, prepareJoinPhases, readSharedFiles, skipsCertificatePhases, writeSharedFiles } from './kubeadm-commands.js'
import type { Phases, Reporter } from './phases.js'
import { milestone, settleAll } from './settle.js'

export interface JoinPlan {
  docker: DockerPort
  reporter: Reporter
  phases: Phases
  bootstrap: PlannedNode
  /** Secondary control planes, in kind's order. */
  controlPlanes: PlannedNode[]
  workers: PlannedNode[]
  /** Resolves once the node's container is up and configured; resolves with its kubeadm.conf. */
  nodeUp(node: PlannedNode): Promise<string>
  /** Told as each node's join is about to start (nobody waits for it). */
  onTurn(node: PlannedNode): void
  /** The join-assist speed-up: the waits below avoided, and each control plane's join started early. */
  assist: boolean
  /** Workers join alongside the control planes (pipelined-creation), not after them as kind's do. */
  workersAlongside: boolean
}

/** Joins every node; call once kubeadm init is done. */
export async function joinNodes(plan: JoinPlan): Promise<void> {
  const { docker, phases, bootstrap, controlPlanes, workers } = plan
  if (!controlPlanes.length && !workers.length) return
  if (plan.assist) await waitForClusterInfoSignature(docker, bootstrap.name)
  // Workers do not change etcd's membership: they may join at once.
  const joinWorkers = (): Promise<void>[] =>
    workers.map(async worker => {
      const kubeadmConf = await plan.nodeUp(worker)
      plan.onTurn(worker)
      await phases.timed(`Joining ${worker.name}`, () => kubeadmJoin(docker, worker.name, kubeadmConf))
    })
  const controlPlaneJoins = plan.assist ? joinControlPlanes(plan) : [joinControlPlanesInTurn(plan)]
  if (plan.workersAlongside) {
    await settleAll([...controlPlaneJoins, ...joinWorkers()])
  } else {
    await settleAll(controlPlaneJoins)
    await settleAll(joinWorkers())
  }
}

/** kind's order: each control plane's whole join after the one before it. */
async function joinControlPlanesInTurn(plan: JoinPlan): Promise<void> {
  const { docker, phases, controlPlanes } = plan
  if (!controlPlanes.length) return
  const sharedFiles = readSharedFiles(docker, plan.bootstrap.name)
  for (const node of controlPlanes) {
    const [kubeadmConf, archive] = await Promise.all([plan.nodeUp(node), sharedFiles])
    await writeSharedFiles(docker, node.name, archive)
    plan.onTurn(node)
    await phases.timed(`Joining ${node.name}`, () => kubeadmJoin(docker, node.name, kubeadmConf))
  }
}

/**
 * etcd takes one membership change at a time: each control plane joins once the previous one's member has
 * joined, not its whole join. Meanwhile it gets the shared files, then, once the one ahead has made its own
 * (not to take its CPU), makes its certificates with kubeadm's join phases and unpacks its images.
 */
function joinControlPlanes(plan: JoinPlan): Promise<void>[] {
  const { docker, reporter, phases, controlPlanes } = plan
  if (!controlPlanes.length) return []
  const sharedFiles = readSharedFiles(docker, plan.bootstrap.name)
  let previousMemberJoined = Promise.resolve()
  let previousPrepared = Promise.resolve()
  return controlPlanes.map((node, index) => {
    const first = index === 0
    const ahead = { memberJoined: previousMemberJoined, prepared: previousPrepared }
    const memberJoined = milestone()
    const prepared = milestone()
    previousMemberJoined = memberJoined.reached
    previousPrepared = prepared.reached

    const readyForTurn = (async () => {
      const [kubeadmConf, archive] = await Promise.all([plan.nodeUp(node), sharedFiles])
      await writeSharedFiles(docker, node.name, archive)
      if (first) return kubeadmConf
      await ahead.prepared
      plan.onTurn(node)
      if (!skipsCertificatePhases(kubeadmConf)) await prepareJoinPhases(docker, node.name, reporter)
      return kubeadmConf
    })()

    return (async () => {
      try {
        const [, kubeadmConf] = await Promise.all([ahead.memberJoined, readyForTurn])
        if (first) plan.onTurn(node)
        const watcher = etcdMemberJoinedWatcher()
        let nudged = Promise.resolve()
        const onLine = (line: string): void => {
          // Past kubeadm's certificate, kubeconfig and manifest phases.
          if (/^\[(check-etcd|kubelet-start|etcd)\] /.test(line)) prepared.reach()
          if (!watcher(line)) return
          memberJoined.reach()
          nudged = nudgeKubeletBootstrap(docker, node.name).catch((error: unknown) =>
            reporter.info(`Could not hurry the kubelet's TLS bootstrap on ${node.name}: ${String(error)}`)
          )
        }
        await phases.timed(`Joining ${node.name}`, () => kubeadmJoin(docker, node.name, kubeadmConf, onLine))
        memberJoined.reach()
        await nudged
      } catch (error) {
        // The ones behind fail with this error rather than join a cluster whose etcd may be short a member.
        memberJoined.fail(error)
        throw error
      } finally {
        prepared.reach()
      }
    })()
  })
}
