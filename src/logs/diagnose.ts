// A quick look at a cluster whose creation failed, for the main step's job summary: which pods are not
// Ready and what happened to them. Bounded in time, and silent on failure (an API server that never
// came up is a common cause of failure, and the logs will say more).
import type { DockerPort } from '../docker/port.js'
import { recordedFacts, renderSummary, writeSummary, type RecordedFacts } from './summary.js'
import { nodeKubectl, notReadyPodsOf, type NotReadyPod } from './cluster-view.js'
import { deadline } from './node-command.js'
import { findClusterNodes } from './nodes.js'

export async function diagnoseFailure(docker: DockerPort, clusterName: string, timeoutMs = 30_000): Promise<NotReadyPod[]> {
  const timer = deadline(timeoutMs, () => new Error('timed out'))
  try {
    const look = async (): Promise<NotReadyPod[]> => {
      const { bootstrap } = await findClusterNodes(docker, clusterName)
      if (!bootstrap?.running) return []
      return notReadyPodsOf(nodeKubectl(docker, bootstrap.name, { maxBytes: 16 * 1024 * 1024, timeoutMs }))
    }
    return await Promise.race([look(), timer.promise])
  } catch {
    return []
  } finally {
    timer.clear()
  }
}

/**
 * The main step's job summary when creation failed: the overview, the failure and, when containers
 * were created, the pods that are not Ready. True when written (the post step then adds only the logs).
 */
export async function writeFailureSummary(
  docker: DockerPort,
  state: RecordedFacts & { creating: boolean },
  env: Record<string, string | undefined> = process.env
): Promise<boolean> {
  if (!env.GITHUB_STEP_SUMMARY) return false
  const notReadyPods = state.creating ? await diagnoseFailure(docker, state.clusterName) : []
  return writeSummary(renderSummary({ ...recordedFacts(state, state.clusterName), notReadyPods }), env)
}
