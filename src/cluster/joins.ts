// kubeadm join of every node after init (kind-spec §5.7), ordered by what each step waits for rather than
// kind's fixed sequence (control planes one by one, then workers). See docs/design/join-assist.md and
// docs/design/pipelined-creation.md.
import type { DockerPort } from '../docker/port.js'
import type { PlannedNode } from './identity.js'
import { etcdMemberJoinedWatcher, nudgeKubeletBootstrap, waitForClusterInfoSignature } from './join-assist.js'
import { kubeadmJoin, prepareJoinPhases, readSharedFiles, skipsCertificatePhases, writeSharedFiles } from './kubeadm-commands.js'
import type { Phases, Reporter } from './phases.js'
import { settleAll, signal } from './settle.js'

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
  /** Starts unpacking a control plane's images (nobody waits for it); workers' start as soon as they are up. */
  unpackAhead(node: PlannedNode): void
}

/** Joins every node; call once kubeadm init is done. */
export async function joinNodes(plan: JoinPlan): Promise<void> {
  const { docker, phases, bootstrap, controlPlanes, workers } = plan
  if (!controlPlanes.length && !workers.length) return
  await waitForClusterInfoSignature(docker, bootstrap.name)
  // Workers do not change etcd's membership: they join at once.
  const workerJoins = workers.map(async worker => {
    const kubeadmConf = await plan.nodeUp(worker)
    await phases.timed(`Joining ${worker.name}`, () => kubeadmJoin(docker, worker.name, kubeadmConf))
  })
  await settleAll([...joinControlPlanes(plan), ...workerJoins])
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
    const memberJoined = signal()
    const prepared = signal()
    previousMemberJoined = memberJoined.promise
    previousPrepared = prepared.promise

    const readyForTurn = (async () => {
      const [kubeadmConf, archive] = await Promise.all([plan.nodeUp(node), sharedFiles])
      await writeSharedFiles(docker, node.name, archive)
      if (first) return kubeadmConf
      await ahead.prepared
      plan.unpackAhead(node)
      if (!skipsCertificatePhases(kubeadmConf)) await prepareJoinPhases(docker, node.name, reporter)
      return kubeadmConf
    })()

    return (async () => {
      try {
        const [, kubeadmConf] = await Promise.all([ahead.memberJoined, readyForTurn])
        if (first) plan.unpackAhead(node)
        const watcher = etcdMemberJoinedWatcher()
        let nudged = Promise.resolve()
        const onLine = (line: string): void => {
          // Past kubeadm's certificate, kubeconfig and manifest phases.
          if (/^\[(check-etcd|kubelet-start|etcd)\] /.test(line)) prepared.resolve()
          if (!watcher(line)) return
          memberJoined.resolve()
          nudged = nudgeKubeletBootstrap(docker, node.name).catch((error: unknown) =>
            reporter.info(`Could not hurry the kubelet's TLS bootstrap on ${node.name}: ${String(error)}`)
          )
        }
        await phases.timed(`Joining ${node.name}`, () => kubeadmJoin(docker, node.name, kubeadmConf, onLine))
        memberJoined.resolve()
        await nudged
      } catch (error) {
        // The ones behind fail with this error rather than join a cluster whose etcd may be short a member.
        memberJoined.reject(error)
        throw error
      } finally {
        prepared.resolve()
      }
    })()
  })
}
