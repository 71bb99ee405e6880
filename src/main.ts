// The main step: validate everything, create the cluster, hand the kubeconfig and facts to later steps.
import * as core from '@actions/core'
import { homedir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chosenNodeImage, loadCluster } from './cluster-config.js'
import { createCluster, assertClusterAbsent } from './cluster/create.js'
import type { CreatedCluster } from './cluster/types.js'
import { DEFAULT_NETWORK, kubeconfigContext } from './cluster/identity.js'
import { exportKubeconfig, kubeconfigPathProblem, resolveKubeconfigPath } from './cluster/kubeconfig.js'
import { NodeCommandError } from './cluster/node-exec.js'
import { PhaseError, Phases } from './cluster/phases.js'
import { DockerodePort } from './docker/dockerode-port.js'
import type { DockerPort } from './docker/port.js'
import { dockerCredentials } from './docker/credentials.js'
import { githubReporter, OWNER_LABEL, ownerId } from './github-reporter.js'
import { HELM_CLUSTER_NAME, InputError, parseInputs, type Inputs } from './inputs.js'
import { NODE_BOOT_WAIT_VARIABLE, parseNodeBootWait } from './cluster/node-boot-wait.js'
import { describeSpeedUps, parseSpeedUps, SPEED_UPS_VARIABLE } from './cluster/speed-up-names.js'
import { DEFAULT_KUBERNETES_VERSION, LOAD_BALANCER_IMAGE } from './node-images.js'
import { withCallLog } from './docker/call-log.js'
import { PullError } from './docker/pull-errors.js'
import { dockerDiskFull, dockerStoppedAnswering, dockerUnreachable } from './docker/unreachable.js'
import { saveState, StateRecorder, type ActionState } from './state.js'
import { onCancellation } from './cancel.js'
import { installKubectlFromNode, installKubectlRelease } from './tools/kubectl.js'
import { loadImagesIntoNodes } from './cluster/load-images.js'
import { writeFailureSummary } from './logs/diagnose.js'
import { logsDirPathProblem } from './logs/logs-dir.js'
import { describeFailure } from './logs/summary.js'
import { ImageCache } from './cache/image-cache.js'
import { ActionsCacheService } from './cache/service.js'
import { cacheOutputs, cacheRecord } from './cache/steps.js'
import { planRegistry, withRegistryConfigPath, type RegistryPlan } from './registry/plan.js'
import { assertRegistryNameFree, setUpRegistry } from './registry/apply.js'
import type { CredentialLookup } from './docker/credentials.js'
import { setUpKindCli } from './kind-cli/install.js'

/** The kind CLI's bundle, beside this one (dist/main/index.js -> dist/kind-cli/index.js). */
const KIND_CLI_SCRIPT = join(dirname(fileURLToPath(import.meta.url)), '..', 'kind-cli', 'index.js')

/** The kind_cli input: a `kind` for later steps. Not worth failing the cluster for: trouble is a warning. */
async function provideKindCli(inputs: Inputs, env: NodeJS.ProcessEnv): Promise<void> {
  try {
    const setup = await setUpKindCli({
      mode: inputs.kindCli,
      pathEnv: env.PATH,
      runnerTemp: env.RUNNER_TEMP || homedir(),
      node: process.execPath,
      script: KIND_CLI_SCRIPT
    })
    if (setup.addToPath) core.addPath(setup.addToPath)
    core.info(setup.reason)
    core.setOutput('kind_cli', setup.path)
  } catch (error) {
    core.warning(`kind_cli: ${(error as Error).message}`)
    core.setOutput('kind_cli', '')
  }
}

function setOutputs(created: CreatedCluster, kubeconfigPath: string, nodeImage: string): void {
  core.setOutput('cluster_name', created.name)
  core.setOutput('kubeconfig', kubeconfigPath)
  core.setOutput('context', kubeconfigContext(created.name))
  core.setOutput('api_server', created.apiServer)
  core.setOutput('kubernetes_version', created.kubernetesVersion)
  core.setOutput('node_image', nodeImage)
  core.setOutput('nodes', JSON.stringify(created.nodes))
}

/** The environment variable that tells a later `kind version` which kind release the workflow asked for. */
export const KIND_VERSION_VARIABLE = 'KIND_ACTION_KIND_VERSION'

/**
 * install_only, as helm/kind-action: the tools and no cluster. kubectl is the release kubectl_version
 * names, else the one of the Kubernetes version the inputs would run (no node to copy it out of).
 */
async function installOnly(inputs: Inputs): Promise<void> {
  const imageVersion = /:v(\d+\.\d+\.\d+)(@|$)/.exec(chosenNodeImage(inputs))?.[1] ?? DEFAULT_KUBERNETES_VERSION
  const kubectl = await installKubectlRelease(inputs.kubectlVersion || `v${imageVersion}`)
  core.info(`kubectl: ${kubectl}`)
  core.info('install_only is true: no cluster created, and the post step will delete nothing.')
}

/** Things every step of a workflow written for helm/kind-action should hear about before anything runs. */
function announce(inputs: Inputs): void {
  for (const warning of inputs.warnings) core.warning(warning)
  if (inputs.kindVersion) core.exportVariable(KIND_VERSION_VARIABLE, inputs.kindVersion)
}

/** The local registry (registry: true) once the cluster is up: its container, every node's hosts.toml, the ConfigMap. */
async function startLocalRegistry(docker: DockerPort, plan: RegistryPlan, created: CreatedCluster, credentials: CredentialLookup): Promise<void> {
  const controlPlane = created.nodes.find(n => n.role === 'control-plane')?.name ?? created.bootstrapNode
  await setUpRegistry(docker, plan, { nodes: created.nodes.map(n => n.name), controlPlane, credentials })
  core.exportVariable('LOCAL_REGISTRY', plan.host)
  core.setOutput('local_registry', plan.host)
  const { name, Image: image } = plan.container
  core.setOutput('registry', JSON.stringify({ name, image, host: plan.host, hostFromClusterNetwork: plan.hostFromClusterNetwork }))
  core.info(`Local registry "${name}" (${image}): docker push ${plan.host}/<image>, then use ${plan.host}/<image> in pods`)
}

/** The state of a main step that stopped before creating anything: post then has nothing to do. */
function nothingCreatedState(phase: string, message: string, env: NodeJS.ProcessEnv): ActionState {
  const failure = { phase, message: message.split('\n')[0] }
  return { version: 1, clusterName: '', owner: ownerId(env), kubeconfigPath: '', cleanup: true, keepOnFailure: false, logs: 'never', logsDir: '', creating: false, failure }
}

/** The files the step writes (the kubeconfig; the log bundle in the post step), checked before Docker is touched. */
function assertWritablePaths(inputs: Inputs, kubeconfigPath: string, env: NodeJS.ProcessEnv): void {
  const problems: string[] = []
  const kubeconfigProblem = kubeconfigPathProblem(kubeconfigPath)
  if (kubeconfigProblem) problems.push(`${inputs.kubeconfig ? 'kubeconfig' : 'KUBECONFIG'}: ${kubeconfigProblem}`)
  const logsDirProblem = inputs.logsDir ? logsDirPathProblem(inputs.logsDir, env.GITHUB_WORKSPACE || process.cwd()) : undefined
  if (logsDirProblem) problems.push(`logs_dir: ${logsDirProblem}`)
  if (problems.length) throw new InputError(problems)
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
    announce(inputs)
    if (inputs.installOnly) {
      // helm/kind-action's install_only installs kind too: later steps may run it.
      await provideKindCli(inputs, env)
      return await installOnly(inputs)
    }
    docker = withCallLog(docker, inputs.verbosity, line => core.info(line))
    const loaded = loadCluster(inputs, env)
    const { nodeImage } = loaded
    // The local registry needs containerd's config_path on every node before the nodes boot.
    const cluster = inputs.registry ? withRegistryConfigPath(loaded.cluster) : loaded.cluster
    if (!inputs.clusterName && inputs.defaultClusterName === HELM_CLUSTER_NAME && cluster.name !== HELM_CLUSTER_NAME) {
      core.notice(
        `The config names the cluster "${cluster.name}", and this action uses that name; helm/kind-action would have named it ${HELM_CLUSTER_NAME} (its cluster_name default wins over the config). Set cluster_name to choose.`
      )
    }
    const speedUps = parseSpeedUps(env[SPEED_UPS_VARIABLE])
    const nodeBootWaitMs = parseNodeBootWait(env[NODE_BOOT_WAIT_VARIABLE])
    const speedUpsLine = describeSpeedUps(speedUps)
    if (speedUpsLine) core.info(speedUpsLine)
    const kubeconfigPath = resolveKubeconfigPath(inputs.kubeconfig, env.KUBECONFIG, homedir())
    assertWritablePaths(inputs, kubeconfigPath, env)
    await provideKindCli(inputs, env)
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
    const registry = inputs.registry
    await phases.timed('Checking the cluster name is free', async () => {
      await assertClusterAbsent(docker, cluster.name)
      if (registry) await assertRegistryNameFree(docker, registry.name)
    })
    recorder.update({ creating: true })

    imageCache = new ImageCache({ docker, service: new ActionsCacheService(env), policy: inputs.cache, reporter: githubReporter })
    // A kubectl release needs no node: its download runs alongside the whole creation. (Its failure is
    // reported where it is awaited, below.)
    const credentials = dockerCredentials({ env, home: homedir(), onSecret: core.setSecret, onWarning: core.warning })
    const network = env.KIND_EXPERIMENTAL_DOCKER_NETWORK || DEFAULT_NETWORK
    const kubectlRelease = inputs.kubectlVersion ? installKubectlRelease(inputs.kubectlVersion) : undefined
    kubectlRelease?.catch(() => undefined)
    const created = await createCluster({
      docker,
      cluster,
      reporter: githubReporter,
      phases,
      network,
      loadBalancerImage: inputs.loadBalancerImage || LOAD_BALANCER_IMAGE,
      waitMs: inputs.waitMs,
      nodeBootWaitMs,
      extraLabels: { [OWNER_LABEL]: recorder.state.owner },
      hostEnv: env,
      imageSource: imageCache,
      credentials,
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

    if (registry) {
      const plan = planRegistry(registry, created.name, network, { [OWNER_LABEL]: recorder.state.owner })
      recorder.update({ registry: { container: plan.container.name } })
      await phases.group('Starting the local registry', () => startLocalRegistry(docker, plan, created, credentials))
      recorder.update({ timings: phases.timings })
    }
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
    const thrown = error instanceof PhaseError ? error.cause : error
    // The first Docker call is the name check: a refused connection after it means the Engine went away.
    const answeredBefore = error instanceof PhaseError && phase !== 'Checking the cluster name is free'
    const cause =
      (answeredBefore ? dockerStoppedAnswering(thrown, env, phases?.runningAtFirstFailure ?? phase) : dockerUnreachable(thrown, env)) ??
      dockerDiskFull(thrown, phase) ??
      thrown
    const message = cause instanceof Error ? cause.message : String(cause)
    if (cause instanceof InputError) for (const warning of cause.warnings) core.warning(warning)
    recorder?.update({
      ...(imageCache ? cacheRecord(imageCache) : {}),
      failure: describeFailure(phase, cause),
      ...(phases ? { timings: phases.timings } : {})
    })
    if (cause instanceof NodeCommandError) core.info(`Output of the failed command:\n${cause.outputTail}`)
    // One annotation with the phase and the cause in one line; the whole story goes to the log.
    core.info(message)
    // A failed pull's last line says what to do (log in, load the image): worth the annotation too.
    const lines = message.split('\n')
    core.setFailed(`${phase}: ${lines[0]}${cause instanceof PullError && lines.length > 1 ? `; ${lines[lines.length - 1]}` : ''}`)
    // Failed before the state was recorded (bad inputs): say so to the post step, which would otherwise
    // take the missing state for a killed step and go looking for a cluster to collect and delete.
    if (!recorder) saveState(nothingCreatedState(phase, message, env))
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
