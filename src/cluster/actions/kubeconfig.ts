// kind's kubeconfig for the host (kind-spec §6): admin.conf from the bootstrap node, pointed at the
// published API server port, then handed to the caller (exported, kubectl installed).
import { kindKubeconfig } from '../kubeconfig.js'
import { readFile } from '../node-exec.js'
import type { ControlPlaneFacts } from '../types.js'
import type { Creation } from '../creation/context.js'

export async function readControlPlaneFacts(c: Creation): Promise<ControlPlaneFacts> {
  const { milestones: m, bootstrap } = c
  await Promise.all([m.initDone.reached, m.loadBalancerReady.reached])
  const { kubeconfig, apiServer } = await c.phases.timed('Reading kubeconfig', async () => {
    const [apiServer, admin] = await Promise.all([c.apiServerOnHost(), readFile(c.docker, bootstrap.name, '/etc/kubernetes/admin.conf')])
    return { kubeconfig: kindKubeconfig(admin, c.cluster.name, apiServer), apiServer }
  })
  const { version } = await m.configured.of(bootstrap.name).reached
  return { bootstrapNode: bootstrap.name, kubernetesVersion: version, kubeconfig, apiServer }
}

export async function exportControlPlane(c: Creation, facts: ControlPlaneFacts): Promise<ControlPlaneFacts> {
  const after = c.options.afterControlPlane
  if (after) await c.phases.timed('Exporting kubeconfig', () => after(facts))
  return facts
}

/** Work that needs only the bootstrap node's container, once its API server answers (kubectl copied out). */
export async function onceApiServerAnswers(c: Creation): Promise<void> {
  const work = c.options.onceApiServerAnswers
  await c.milestones.apiServerAnswers.reached
  const { version } = await c.milestones.configured.of(c.bootstrap.name).reached
  if (work) await c.phases.timed('Installing kubectl', () => work(c.bootstrap.name, version))
}
