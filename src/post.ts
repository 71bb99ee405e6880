// The post step: collect what is needed to debug, then remove everything the main step created.
// It never fails the job over cleanup trouble: problems become warnings.
import * as core from '@actions/core'
import { homedir } from 'node:os'
import { deleteCluster } from './cluster/delete.js'
import { resolveKubeconfigPath } from './cluster/kubeconfig.js'
import { DockerodePort } from './docker/dockerode-port.js'
import type { DockerPort } from './docker/port.js'
import { withCallLog } from './docker/call-log.js'
import { githubReporter, OWNER_LABEL, ownerId } from './github-reporter.js'
import { parsePostInputs, readJobStatus, readPostFlags } from './inputs.js'
import { reportInPost } from './logs/post-report.js'
import { loadState, type ActionState } from './state.js'
import { ActionsCacheService } from './cache/service.js'
import { saveInPost } from './cache/steps.js'
import { removeRegistry } from './registry/apply.js'

/** What to tear down and how to report: the main step's state, else the post step's own inputs. */
function postTarget(state: ActionState | undefined, env: Record<string, string | undefined>) {
  if (state) {
    const { clusterName, owner, kubeconfigPath, cleanup } = state
    const settings = { policy: state.logs, logsDir: state.logsDir, retentionDays: state.logsRetentionDays, jobStatus: readJobStatus() }
    return { clusterName, owner, kubeconfigPath, cleanup, settings }
  }
  const inputs = parsePostInputs()
  for (const problem of inputs.problems) core.warning(`${problem}; using the default`)
  return {
    clusterName: inputs.clusterName,
    owner: ownerId(env),
    kubeconfigPath: resolveKubeconfigPath(inputs.kubeconfig, env.KUBECONFIG, homedir()),
    cleanup: inputs.cleanup,
    settings: { policy: inputs.logs, logsDir: inputs.logsDir, retentionDays: inputs.logsRetentionDays, jobStatus: inputs.jobStatus }
  }
}

async function removeLocalRegistry(docker: DockerPort, name: string, clusterName: string, owner: string): Promise<void> {
  try {
    const outcome = await removeRegistry(docker, name, clusterName, { [OWNER_LABEL]: owner })
    if (outcome === 'removed') core.info(`Removed the local registry "${name}".`)
    else if (outcome === 'not ours') core.warning(`cleanup: the container "${name}" is not the local registry this job made; leaving it`)
  } catch (error) {
    core.warning(`cleanup: removing the local registry "${name}": ${(error as Error).message}`)
  }
}

/** Why the cluster stays, or undefined when post deletes it. A cancelled job is not a failure to debug. */
function keptBecause(cleanup: boolean, state: ActionState | undefined): string | undefined {
  if (!cleanup) return 'cleanup is false'
  if (state?.failure && state.keepOnFailure && !state.failure.cancelled) return 'keep_on_failure is true and creation failed'
  return undefined
}

function howToDelete(clusterName: string): string {
  const label = `io.x-k8s.kind.cluster=${clusterName}`
  return `Delete it when done with: kind delete cluster --name ${clusterName} (without kind: docker rm -f -v $(docker ps -aq --filter label=${label}))`
}

const LATE_CONTAINER_PASSES = 3
const LATE_CONTAINER_WAIT_MS = 2000

async function deleteLateContainers(docker: DockerPort, clusterName: string, owner: string): Promise<void> {
  for (let pass = 0; pass < LATE_CONTAINER_PASSES; pass++) {
    await new Promise(resolve => setTimeout(resolve, LATE_CONTAINER_WAIT_MS))
    const late = await deleteCluster(docker, clusterName, { kubeconfigPaths: [], extraLabels: { [OWNER_LABEL]: owner } })
    if (late.removedContainers.length === 0 && late.errors.length === 0) return
    core.info(`Deleted containers created after the first pass: ${late.removedContainers.join(', ') || 'none'}`)
    for (const problem of late.errors) core.warning(`cleanup: ${problem}`)
  }
}

export async function run(docker: DockerPort = new DockerodePort(), env = process.env): Promise<void> {
  try {
    let state: ActionState | undefined
    try {
      state = loadState()
    } catch (error) {
      core.warning(`${(error as Error).message}; cleaning up by label instead`)
    }
    const { installOnly, verbosity } = readPostFlags()
    if (!state && installOnly) {
      core.info('install_only is true: the main step created nothing, nothing to clean up.')
      return
    }
    docker = withCallLog(docker, verbosity, line => core.info(line))
    if (state && !state.creating) {
      core.info('The main step created nothing: nothing to clean up.')
      return
    }
    const target = postTarget(state, env)
    // Logs and the job summary first: once the nodes are deleted their logs are gone.
    await reportInPost({
      docker,
      state,
      settings: target.settings,
      clusterName: target.clusterName,
      labels: { [OWNER_LABEL]: target.owner },
      reporter: githubReporter,
      read: name => core.getInput(name),
      env
    })
    const kept = keptBecause(target.cleanup, state)
    if (kept) {
      core.info(`${kept}: leaving cluster "${target.clusterName}" running. ${howToDelete(target.clusterName)}`)
    } else {
      if (state?.failure?.cancelled && state.keepOnFailure) {
        core.info(`keep_on_failure is true, but the job was cancelled (${state.failure.cancelled}): a cancelled job is not kept.`)
      }
      await core.group(`Deleting cluster "${target.clusterName}"`, async () => {
        const result = await deleteCluster(docker, target.clusterName, {
          kubeconfigPaths: [target.kubeconfigPath],
          extraLabels: { [OWNER_LABEL]: target.owner }
        })
        core.info(`Deleted containers: ${result.removedContainers.join(', ') || 'none'}`)
        for (const problem of result.errors) core.warning(`cleanup: ${problem}`)
        // A main step stopped mid-creation may have left a create request in the Engine that completes
        // after the first listing: look again until a pass finds nothing.
        if (!state?.completed) await deleteLateContainers(docker, target.clusterName, target.owner)
      })
      if (state?.registry) await removeLocalRegistry(docker, state.registry.container, target.clusterName, target.owner)
    }
    // Last: saving pulled images takes a while and the cluster's disk is better freed first.
    if (state) {
      try {
        await saveInPost(docker, state, new ActionsCacheService(env), githubReporter)
      } catch (error) {
        core.warning(`image cache: ${(error as Error).message}`)
      }
    }
  } catch (error) {
    core.warning(`cleanup: ${(error as Error).message}`)
  }
}
