// Every input of the action, read and validated once, before anything is created. Each problem names
// the input and what it accepts; all problems are reported together.
import * as core from '@actions/core'
import { fieldReaders, type Reader } from './input-readers.js'
import { parseDuration } from './duration.js'
import { configName } from './config/load.js'
import type { LogsPolicy } from './logs/policy.js'
import type { CachePolicy } from './cache/policy.js'
import { findKindRelease, knownKindReleases, normalizeKindRelease } from './kind-releases.js'
import { KIND_RELEASE } from './node-images.js'
import { withOldSpellings } from './old-input-spellings.js'

export interface Inputs {
  /** Explicit cluster name; empty means the config's name, else defaultClusterName. */
  clusterName: string
  /** The name when neither cluster_name nor the config names the cluster: "chart-testing" or "kind". */
  defaultClusterName: string
  /** helm/kind-action's `version`: a kind release (v0.29.0), canonical; empty when not given. */
  kindVersion: string
  /** The default node image of kindVersion, when the table knows that release. */
  kindReleaseImage?: string
  /** Install kubectl and create nothing (helm's install_only). */
  installOnly: boolean
  /** Accepted for helm/kind-action; the post step here never fails over cleanup anyway. */
  ignoreFailedClean: boolean
  /** 0: the usual log; 1: every Docker call with its duration; 2: also the output of each command in a node. */
  verbosity: number
  /** Deprecated spellings and other notes that do not stop the step; printed as warnings. */
  warnings: string[]
  /** Explicit node image; empty means: from kubernetes_version, else the default image. */
  nodeImage: string
  kubernetesVersion: string
  /** A path to a kind Cluster file or the YAML itself; empty for none. */
  config: string
  /** Shorthand topology when no config is given; undefined when the input was left empty. */
  controlPlanes?: number
  workers?: number
  waitMs: number
  /** Explicit kubeconfig file; empty means $KUBECONFIG or ~/.kube/config. */
  kubeconfig: string
  /** Empty: the kubectl shipped in the node image. */
  kubectlVersion: string
  cleanup: boolean
  keepOnFailure: boolean
  logs: LogsPolicy
  logsRetentionDays?: number
  logsDir: string
  cache: CachePolicy
  loadImages: string[]
  loadBalancerImage: string
  /** kind_cli: when the action's own `kind` command goes on PATH (auto, true, false). */
  kindCli: KindCliMode
  /** The local registry (registry: true), as helm/kind-action's inputs ask for it; undefined when off. */
  registry?: RegistryInputs
}

/** The local registry's inputs (registry_*), with helm/kind-action's names and defaults. */
export interface RegistryInputs {
  image: string
  /** Its container's name, and its host name on the cluster's network. */
  name: string
  /** The port on 127.0.0.1 of the runner. */
  port: number
  enableDelete: boolean
}

export class InputError extends Error {
  /** `warnings`: deprecations found on the way, still worth telling when the step fails. */
  constructor(
    readonly problems: string[],
    readonly warnings: string[] = []
  ) {
    // The first line becomes the step's error annotation: it names the (first) input itself.
    super(
      problems.length === 1
        ? `invalid input: ${problems[0]}`
        : `invalid inputs: ${problems[0]} (and ${problems.length - 1} more)\n${problems.map(p => `  - ${p}`).join('\n')}`
    )
    this.name = 'InputError'
  }
}

const KUBE_VERSION = /^v?\d+\.\d+(\.\d+)?$/
const KUBECTL_VERSION = /^v\d+\.\d+\.\d+$/


const LOGS_POLICIES = ['on-failure', 'always', 'never'] as const
/** kind_cli: when the action's own kind CLI goes on PATH (src/kind-cli/install.ts decides). */
export const KIND_CLI_MODES = ['auto', 'true', 'false'] as const
export type KindCliMode = (typeof KIND_CLI_MODES)[number]

/** helm/kind-action's default cluster name; kind's own is "kind". */
export const HELM_CLUSTER_NAME = 'chart-testing'
/** Inputs only helm/kind-action has: a workflow that passes one was written for it. */
const HELM_ONLY_INPUTS = ['version', 'install_only', 'ignore_failed_clean', 'verbosity', 'cloud_provider', 'node-image', 'log-level', 'log_level']
/** helm's registry inputs count when they differ from helm's defaults (their own defaults here may equal them). */
const HELM_REGISTRY_DEFAULTS: Record<string, string> = {
  registry: 'false',
  registry_image: 'registry:2',
  registry_name: 'kind-registry',
  registry_port: '5000',
  registry_enable_delete: 'false'
}

/**
 * The cluster name when neither cluster_name nor the config's `name` gives one: helm/kind-action's
 * "chart-testing" for a workflow written for helm (it passes an input only helm has), else kind's "kind".
 * So a workflow moved over from helm finds its cluster under the name its later steps use.
 */
export function defaultClusterName(read: Reader): string {
  const helmOnly = HELM_ONLY_INPUTS.some(name => read(name).trim() !== '')
  const helmRegistry = Object.entries(HELM_REGISTRY_DEFAULTS).some(([name, helmDefault]) => {
    const value = read(name).trim()
    return value !== '' && value.toLowerCase() !== helmDefault
  })
  return helmOnly || helmRegistry ? HELM_CLUSTER_NAME : 'kind'
}

/** helm/kind-action's inputs that have no other home: version, install_only, ignore_failed_clean, verbosity, cloud_provider. */
function helmInputs(read: Reader, problems: string[], warnings: string[], imageGiven: boolean) {
  const { bool } = fieldReaders(read, problems)
  const versionText = read('version').trim()
  let kindVersion = ''
  let kindReleaseImage: string | undefined
  if (versionText) {
    const release = findKindRelease(versionText)
    const known = `known releases: ${knownKindReleases().join(', ')}`
    if (release) {
      kindVersion = release.kind
      kindReleaseImage = release.image
    } else if (!normalizeKindRelease(versionText)) {
      problems.push(`version: "${versionText}" is not a kind release; write it as v0.29.0 (${known})`)
    } else if (imageGiven) {
      // The image is chosen already; the release would only have picked the kind binary, which we do not run.
      warnings.push(
        `version: ${versionText} is not a kind release this action knows (${known}); the cluster is made from the node image you chose, as kind ${KIND_RELEASE} makes it`
      )
    } else {
      problems.push(`version: ${versionText} is not a kind release this action knows the default node image of; ${known}; or set node_image or kubernetes_version`)
    }
  }
  const verbosityText = read('verbosity').trim()
  if (verbosityText && !/^\d+$/.test(verbosityText)) {
    problems.push(`verbosity: "${verbosityText}" is not a whole number >= 0 (0: the usual log, 1: every Docker call, 2: also each node command's output)`)
  }
  if (bool('cloud_provider', false)) {
    problems.push(
      'cloud_provider: helm/kind-action runs cloud-provider-kind on the runner so that LoadBalancer Services get an address; this action does not. ' +
        'Remove cloud_provider and start cloud-provider-kind in a later step (go install sigs.k8s.io/cloud-provider-kind@latest, then run it in the background), or use NodePort Services'
    )
  }
  return {
    kindVersion,
    ...(kindReleaseImage ? { kindReleaseImage } : {}),
    installOnly: bool('install_only', false),
    ignoreFailedClean: bool('ignore_failed_clean', false),
    verbosity: /^\d+$/.test(verbosityText) ? Number(verbosityText) : 0
  }
}
// --- The local registry (registry, registry_image, registry_name, registry_port, registry_enable_delete) ---
/** Docker's rule for container names (the registry is reached by this name on the cluster's network). */
const CONTAINER_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/

function readRegistry(readers: ReturnType<typeof fieldReaders>, problems: string[]): RegistryInputs | undefined {
  const { text, bool, count } = readers
  if (!bool('registry', false)) return undefined
  const name = text('registry_name') || 'kind-registry'
  if (!CONTAINER_NAME.test(name)) {
    problems.push(`registry_name: "${name}" is not a container name; use letters, digits, "_", "." and "-", starting with a letter or digit`)
  }
  return {
    image: text('registry_image') || 'registry:2',
    name,
    port: count('registry_port', 1, 65535) ?? 5000,
    enableDelete: bool('registry_enable_delete', false)
  }
}
// --- end of the local registry ---

/** Reads every input through `read` (core.getInput on a runner) and validates it. */
export function parseInputs(readInput: Reader = name => core.getInput(name)): Inputs {
  const problems: string[] = []
  const warnings: string[] = []
  const read = withOldSpellings(readInput, problems, warnings)
  const readers = fieldReaders(read, problems)
  const { text, bool, count, oneOf, clusterName: readClusterName } = readers

  const clusterName = readClusterName()

  const kubernetesVersion = text('kubernetes_version')
  if (kubernetesVersion && !KUBE_VERSION.test(kubernetesVersion)) {
    problems.push(`kubernetes_version: "${kubernetesVersion}" is not a version; write it as 1.34 or 1.34.2`)
  }
  const nodeImage = text('node_image')

  const config = read('config').trim() === '' ? '' : read('config')
  const controlPlanes = count('control_planes', 1, 9)
  const workers = count('workers', 0, 50)
  if (config && (controlPlanes !== undefined || workers !== undefined)) {
    problems.push('control_planes / workers: a shorthand for when no config is given; with config, list the nodes in it')
  }

  const waitText = text('wait') || '5m'
  const waitMs = parseDuration(waitText)
  if (waitMs === undefined) problems.push(`wait: "${waitText}" is not a duration; write it as 5m, 90s, 1m30s or 0 to skip`)

  const kubectlVersion = text('kubectl_version')
  if (kubectlVersion && !KUBECTL_VERSION.test(kubectlVersion)) {
    problems.push(`kubectl_version: "${kubectlVersion}" is not a release version; write it as v1.34.2, or leave it empty for the node's kubectl`)
  }

  const logsRetentionDays = count('logs_retention_days', 1, 90)
  const loadImages = read('load_images')
    .split(/[\n,]/)
    .map(s => s.trim())
    .filter(Boolean)

  const helm = helmInputs(read, problems, warnings, nodeImage !== '' || kubernetesVersion !== '')

  const inputs: Inputs = {
    clusterName,
    defaultClusterName: defaultClusterName(read),
    ...helm,
    warnings,
    nodeImage,
    kubernetesVersion,
    config,
    ...(controlPlanes !== undefined ? { controlPlanes } : {}),
    ...(workers !== undefined ? { workers } : {}),
    waitMs: waitMs ?? 0,
    kubeconfig: text('kubeconfig'),
    kubectlVersion,
    cleanup: bool('cleanup', true),
    keepOnFailure: bool('keep_on_failure', false),
    logs: oneOf('logs', LOGS_POLICIES, 'on-failure'),
    ...(logsRetentionDays !== undefined ? { logsRetentionDays } : {}),
    logsDir: text('logs_dir'),
    cache: oneOf('cache', ['auto', 'true', 'false'] as const, 'auto'),
    loadImages: [...new Set(loadImages)],
    loadBalancerImage: text('load_balancer_image'),
    kindCli: oneOf('kind_cli', KIND_CLI_MODES, 'auto')
  }
  const registry = readRegistry(readers, problems)
  if (registry) inputs.registry = registry
  if (problems.length) throw new InputError(problems, warnings)
  return inputs
}

/** What the post step needs when the main step saved no state (it failed early, or was killed). */
export interface PostInputs {
  /** cluster_name, else the config's `name`, else defaultClusterName: the rule the main step follows. */
  clusterName: string
  /** Explicit kubeconfig file; empty means $KUBECONFIG or ~/.kube/config. */
  kubeconfig: string
  cleanup: boolean
  logs: LogsPolicy
  logsDir: string
  logsRetentionDays?: number
  /** The job's status as the post step sees it (the internal job_status input); may be empty. */
  jobStatus: string
  /** What could not be read; the post step never fails, so these become warnings and defaults are used. */
  problems: string[]
}

/** The job's status as the post step sees it: the internal job_status input, empty where not evaluated. */
export function readJobStatus(read: Reader = name => core.getInput(name)): string {
  return read('job_status').trim()
}

/**
 * What the post step reads whether or not main saved state (without touching the config file):
 * install_only (nothing was created) and verbosity (its Docker calls are logged too). Bad values are
 * their defaults; the main step reported them.
 */
export function readPostFlags(readInput: Reader = name => core.getInput(name)): { installOnly: boolean; verbosity: number } {
  const read = withOldSpellings(readInput, [], [])
  const { bool } = fieldReaders(read, [])
  const verbosity = read('verbosity').trim()
  return { installOnly: bool('install_only', false), verbosity: /^\d+$/.test(verbosity) ? Number(verbosity) : 0 }
}

/** The post step's inputs, by the same rules as parseInputs but leniently: a bad value falls back to its default. */
export function parsePostInputs(
  readInput: Reader = name => core.getInput(name),
  cwd: string = process.env.GITHUB_WORKSPACE || process.cwd()
): PostInputs {
  const problems: string[] = []
  // The main step warned about old spellings already; here they only have to be understood.
  const read = withOldSpellings(readInput, problems, [])
  const { text, bool, count, oneOf, clusterName: readClusterName } = fieldReaders(read, problems)
  // An invalid cluster_name names no cluster post could delete; the config's name is the next rule.
  const before = problems.length
  let clusterName = readClusterName()
  if (problems.length > before) clusterName = ''
  if (!clusterName) {
    try {
      clusterName = configName(read('config'), cwd) ?? ''
    } catch (error) {
      problems.push(`config: ${(error as Error).message}`)
    }
  }
  const logsRetentionDays = count('logs_retention_days', 1, 90)
  return {
    clusterName: clusterName || defaultClusterName(read),
    kubeconfig: text('kubeconfig'),
    cleanup: bool('cleanup', true),
    logs: oneOf('logs', LOGS_POLICIES, 'on-failure'),
    logsDir: text('logs_dir'),
    ...(logsRetentionDays !== undefined ? { logsRetentionDays } : {}),
    jobStatus: readJobStatus(read),
    problems
  }
}
