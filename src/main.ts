// The main step: validate everything, create the cluster, hand the kubeconfig and facts to later steps.
import * as core from '@actions/core'
import { homedir } from 'node:os'
import { loadCluster } from './cluster-config.js'
import { createCluster, assertClusterAbsent } from './cluster/create.js'
import type { CreatedCluster } from './cluster/types.js'
import { DEFAULT_NETWORK, kubeconfigContext } from './cluster/identity.js'
import { exportKubeconfig, resolveKubeconfigPath } from './cluster/kubeconfig.js'
import { NodeCommandError } from './cluster/node-exec.js'
import { PhaseError, Phases } from './cluster/phases.js'
import { DockerodePort } from './docker/dockerode-port.js'
import type { DockerPort } from './docker/port.js'
import { githubReporter, OWNER_LABEL, ownerId } from './github-reporter.js'
import { parseInputs, type Inputs } from './inputs.js'
import { describeSpeedUps, parseSpeedUps, SPEED_UPS_VARIABLE } from './cluster/speed-up-names.js'
import { LOAD_BALANCER_IMAGE } from './node-images.js'
import { StateRecorder } from './state.js'
import { onCancellation } from './cancel.js'
import { installKubectlFromNode, installKubectlRelease } from './tools/kubectl.js'
import { loadImagesIntoNodes } from './cluster/load-images.js'
import { writeFailureSummary } from './logs/diagnose.js'
import { describeFailure } from './logs/summary.js'
import { ImageCache } from './cache/image-cache.js'
import { ActionsCacheService } from './cache/service.js'
import { cacheOutputs, cacheRecord } from './cache/steps.js'

function setOutputs(created: CreatedCluster, kubeconfigPath: string, nodeImage: string): void {
  core.setOutput('cluster_name', created.name)
  core.setOutput('kubeconfig', kubeconfigPath)
  core.setOutput('context', kubeconfigContext(created.name))
  core.setOutput('api_server', created.apiServer)
  core.setOutput('kubernetes_version', created.kubernetesVersion)
  core.setOutput('node_image', nodeImage)
  core.setOutput('nodes', JSON.stringify(created.nodes))
}

export async function run(docker: DockerPort = new DockerodePort(), env = process.env): Promise<void> {
  let inputs: Inputs
  let recorder: StateRecorder | undefined
  let phases: Phases | undefined
  let imageCache: ImageCache | undefined
  const stopListening = onCancellation(
    () => phases?.current() ?? (phases ? 'the step (between phases)' : 'validating inputs'),
    ({ signal, phase, message }) => {
      recorder?.update({ failure: { phase, message, cancelled: signal }, ...(phases ? { timings: phases.timings } : {}) })
      core.setFailed(message)
    }
  )
  try {
    inputs = parseInputs()
    const { cluster, nodeImage } = loadCluster(inputs, env)
    const speedUps = parseSpeedUps(env[SPEED_UPS_VARIABLE])
    const speedUpsLine = describeSpeedUps(speedUps)
    if (speedUpsLine) core.info(speedUpsLine)
    const kubeconfigPath = resolveKubeconfigPath(inputs.kubeconfig, env.KUBECONFIG, homedir())
    recorder = new StateRecorder({
      version: 1,
      clusterName: cluster.name,
      owner: ownerId(env),
      kubeconfigPath,
      cleanup: inputs.cleanup,
      keepOnFailure: inputs.keepOnFailure,
      logs: inputs.logs,
      logsDir: inputs.logsDir,
      ...(inputs.logsRetentionDays !== undefined ? { logsRetentionDays: inputs.logsRetentionDays } : {}),
      creating: false,
      nodeImage
    })

    phases = new Phases(githubReporter)
    await phases.timed('Checking the cluster name is free', () => assertClusterAbsent(docker, cluster.name))
    recorder.update({ creating: true })

    imageCache = new ImageCache({ docker, service: new ActionsCacheService(env), policy: inputs.cache, reporter: githubReporter })
    // A kubectl release needs no node: its download runs alongside the whole creation. (Its failure is
    // reported where it is awaited, below.)
    const kubectlRelease = inputs.kubectlVersion ? installKubectlRelease(inputs.kubectlVersion) : undefined
    kubectlRelease?.catch(() => undefined)
    const created = await createCluster({
      docker,
      cluster,
      reporter: githubReporter,
      phases,
      network: env.KIND_EXPERIMENTAL_DOCKER_NETWORK || DEFAULT_NETWORK,
      loadBalancerImage: inputs.loadBalancerImage || LOAD_BALANCER_IMAGE,
      waitMs: inputs.waitMs,
      extraLabels: { [OWNER_LABEL]: recorder.state.owner },
      hostEnv: env,
      imageSource: imageCache,
      speedUps,
      // While the other nodes join and the cluster gets ready.
      afterControlPlane: async controlPlane => {
        await exportKubeconfig(kubeconfigPath, controlPlane.kubeconfig)
        core.exportVariable('KUBECONFIG', kubeconfigPath)
      },
      onceApiServerAnswers: async (node, kubernetesVersion) => {
        const kubectl = kubectlRelease ? await kubectlRelease : await installKubectlFromNode(docker, node, kubernetesVersion)
        core.info(`kubectl: ${kubectl}`)
      }
    })
    recorder.update({
      ...cacheRecord(imageCache),
      nodes: created.nodes,
      kubernetesVersion: created.kubernetesVersion,
      nodeImageId: created.images.find(i => i.ref === nodeImage)?.id,
      timings: phases.timings
    })

    if (inputs.loadImages.length) {
      await phases.group('Loading images into nodes', () =>
        loadImagesIntoNodes(docker, inputs.loadImages, created.nodes.map(n => n.name))
      )
    }
    recorder.update({ timings: phases.timings, completed: true })
    setOutputs(created, kubeconfigPath, nodeImage)
    for (const [name, value] of Object.entries(cacheOutputs(imageCache.records))) core.setOutput(name, value)
    core.info(`Cluster "${created.name}" is ready: kubectl --context ${kubeconfigContext(created.name)} get nodes`)
  } catch (error) {
    const phase = error instanceof PhaseError ? error.phase : 'validating inputs'
    const cause = error instanceof PhaseError ? error.cause : error
    const message = cause instanceof Error ? cause.message : String(cause)
    recorder?.update({
      ...(imageCache ? cacheRecord(imageCache) : {}),
      failure: describeFailure(phase, cause),
      ...(phases ? { timings: phases.timings } : {})
    })
    if (cause instanceof NodeCommandError) core.info(`Output of the failed command:\n${cause.outputTail}`)
    // One annotation with the phase and the cause in one line; the whole story goes to the log.
    core.info(message)
    core.setFailed(`${phase}: ${message.split('\n')[0]}`)
    if (recorder) {
      // The summary of a failed creation is written now, while the cluster is still there to be asked
      // which pods are not Ready; the post step adds the logs part. It must not hide the failure itself.
      try {
        if (await writeFailureSummary(docker, recorder.state, env)) recorder.update({ summaryWritten: true })
      } catch (summaryError) {
        core.warning(`job summary: ${(summaryError as Error).message}`)
      }
    }
  } finally {
    stopListening()
  }
}
