// kind's join action (kind-spec §5.7): every other node joins once init is done.
import { joinNodes } from '../joins.js'
import type { Creation } from '../creation/context.js'

export async function joinOtherNodes(c: Creation): Promise<void> {
  const { milestones: m } = c
  await m.initDone.reached
  await joinNodes({
    docker: c.docker,
    reporter: c.reporter,
    phases: c.phases,
    bootstrap: c.bootstrap,
    controlPlanes: c.secondaryControlPlanes,
    workers: c.workers,
    nodeUp: node => m.configured.of(node.name).reached.then(up => up.kubeadmConf),
    onTurn: node => m.joinTurn.of(node.name).reach(),
    assist: c.speedUp('join-assist'),
    workersAlongside: c.speedUp('pipelined-creation')
  })
}
