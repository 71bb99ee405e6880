// Teardown as `kind delete cluster` does it (kind-spec §6.2), made robust for a post step: every
// container of the cluster (found by label, so it works without saved state) with its anonymous
// volumes, retried on Docker's transient errors, tolerant of what is already gone.
import { engineMessage, isNotFound, type DockerPort } from '../docker/port.js'
import { CLUSTER_LABEL } from './identity.js'
import { removeKubeconfigEntries } from './kubeconfig.js'

const RETRY_DELAYS_MS = [500, 1000, 2000, 4000]

/** Errors Docker reports while a container is still going away; retrying them usually succeeds. */
function isTransient(message: string): boolean {
  return /did not receive an exit event|removal of container .* is already in progress|device or resource busy|tried to kill container|is restarting/i.test(
    message
  )
}

async function removeWithRetries(docker: DockerPort, name: string, sleep: (ms: number) => Promise<unknown>): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await docker.removeContainer(name)
      return
    } catch (error) {
      if (isNotFound(error) || /already in progress/.test(engineMessage(error))) {
        if (!(await docker.inspectContainer(name))) return
      }
      if (attempt >= RETRY_DELAYS_MS.length || !isTransient(engineMessage(error))) {
        throw new Error(`removing container ${name}: ${engineMessage(error)}`)
      }
      await sleep(RETRY_DELAYS_MS[attempt])
    }
  }
}

export interface DeleteResult {
  removedContainers: string[]
  kubeconfigsChanged: string[]
  /** Problems that did not stop the rest of the teardown. */
  errors: string[]
}

export async function deleteCluster(
  docker: DockerPort,
  clusterName: string,
  options: { kubeconfigPaths: string[]; extraLabels?: Record<string, string>; sleep?: (ms: number) => Promise<unknown> }
): Promise<DeleteResult> {
  const sleep = options.sleep ?? ((ms: number) => new Promise(r => setTimeout(r, ms)))
  const errors: string[] = []
  const containers = await docker.listContainers({ [CLUSTER_LABEL]: clusterName, ...(options.extraLabels ?? {}) })
  const results = await Promise.allSettled(containers.map(c => removeWithRetries(docker, c.name, sleep)))
  const removedContainers: string[] = []
  results.forEach((r, i) => {
    if (r.status === 'fulfilled') removedContainers.push(containers[i].name)
    else errors.push(String((r.reason as Error)?.message ?? r.reason))
  })
  const kubeconfigsChanged: string[] = []
  for (const path of options.kubeconfigPaths) {
    try {
      if (await removeKubeconfigEntries(path, clusterName)) kubeconfigsChanged.push(path)
    } catch (error) {
      errors.push(`removing kind-${clusterName} from ${path}: ${(error as Error).message}`)
    }
  }
  return { removedContainers: removedContainers.sort(), kubeconfigsChanged, errors }
}
