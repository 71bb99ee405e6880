// kind's init action (kind-spec §5.4): kubeadm init on the bootstrap node, reporting its milestones as
// its output passes them; then, for a lone node, kind's taints off.
import { adminConfUsableWatcher, apiServerHealthyWatcher, controlPlaneStartedWatcher } from '../kubeadm-commands.js'
import { kubeletStartedWatcher } from '../kubelet-assist.js'
import { withKubeletReason } from '../kubelet-failure.js'
import { initWithKubeletFinalize } from '../kubelet-finalize.js'
import { untaintSingleNode } from '../single-node.js'
import type { Creation } from '../creation/context.js'

export async function initControlPlane(c: Creation): Promise<void> {
  const { milestones: m, bootstrap } = c
  const watchers = [
    { seen: kubeletStartedWatcher(), milestone: m.kubeletStarted },
    { seen: controlPlaneStartedWatcher(), milestone: m.controlPlaneStarted },
    { seen: apiServerHealthyWatcher(), milestone: m.apiServerAnswers },
    { seen: adminConfUsableWatcher(), milestone: m.adminConfUsable }
  ]
  let version: string
  try {
    const [up] = await Promise.all([m.configured.of(bootstrap.name).reached, m.loadBalancerReady.reached])
    const { kubeadmConf } = up
    version = up.version
    await c.phases.timed('Starting control-plane (kubeadm init)', () =>
      initWithKubeletFinalize({
        docker: c.docker,
        phases: c.phases,
        node: bootstrap.name,
        kubeadmConf,
        kubeProxyMode: c.cluster.networking.kubeProxyMode,
        finalizeAlongside: c.speedUp('kubelet-finalize-alongside'),
        // In kubeadm's order: a line reaches its milestone and those before it.
        onLine: line => watchers.forEach((w, i) => w.seen(line) && watchers.slice(0, i + 1).forEach(earlier => earlier.milestone.reach())),
        transcriptSink: written => c.alongside(written)
      })
    )
  } catch (error) {
    const reported = await withKubeletReason(c.docker, error)
    failInit(c, reported)
    throw reported
  }
  // Lines that never came (another kubeadm's wording) count as passed once init is over, but for the
  // kubelet's start: what waits for it would come too late to help.
  m.kubeletStarted.fail(new Error("kubeadm init never said it started the kubelet"))
  for (const { milestone } of watchers) milestone.reach()
  m.initDone.reach()
  if (c.nodes.length === 1) await untaintSingleNode(c.docker, bootstrap.name, version)
}

function failInit(c: Creation, error: unknown): void {
  const m = c.milestones
  for (const milestone of [m.kubeletStarted, m.controlPlaneStarted, m.apiServerAnswers, m.adminConfUsable, m.initDone]) milestone.fail(error)
}
