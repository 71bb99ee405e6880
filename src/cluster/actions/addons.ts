// kind's CNI and storage actions (kind-spec §5.5, §5.6). With addons-through-api their objects are made
// from the host as soon as init's API server answers; otherwise by kubectl in the node after init.
import { installDefaultCni, installDefaultStorage, type AddonTarget } from '../addons.js'
import { settleAll } from '../settle.js'
import type { Creation } from '../creation/context.js'

export async function installAddons(c: Creation): Promise<void> {
  const throughApi = c.speedUp('addons-through-api')
  const { apiServerAnswers, initDone, adminConfUsable } = c.milestones
  await (throughApi ? apiServerAnswers : initDone).reached
  const target: AddonTarget = {
    docker: c.docker,
    node: c.bootstrap.name,
    ...(throughApi ? { api: c.superAdmin } : {}),
    adminConfUsable: adminConfUsable.reached,
    note: line => c.reporter.info(line)
  }
  await settleAll([
    c.cluster.networking.disableDefaultCNI ? Promise.resolve() : c.phases.timed('Installing CNI', () => installDefaultCni(target, c.cluster)),
    c.phases.timed('Installing StorageClass', () => installDefaultStorage(target))
  ])
}
