// Every input of the action, read and validated once, before anything is created. Each problem names
// the input and what it accepts; all problems are reported together.
import * as core from '@actions/core'
import { parseDuration } from './duration.js'
import { configName } from './config/load.js'
import type { LogsPolicy } from './logs/policy.js'
import type { CachePolicy } from './cache/policy.js'

export interface Inputs {
  /** Explicit cluster name; empty means the config's name, else "kind". */
  clusterName: string
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
}

export class InputError extends Error {
  constructor(readonly problems: string[]) {
    // One line: the step's error annotation shows only the first line of a message.
    super(problems.length === 1 ? `invalid input ${problems[0]}` : `${problems.length} invalid inputs: ${problems.join('; ')}`)
    this.name = 'InputError'
  }
}

type Reader = (name: string) => string

/** kind's rule for cluster names (they start container names and contexts). */
export const CLUSTER_NAME = /^[a-z0-9.-]+$/
const KUBE_VERSION = /^v?\d+\.\d+(\.\d+)?$/
const KUBECTL_VERSION = /^v\d+\.\d+\.\d+$/

/** Readers of one kind of value each; every problem is pushed onto `problems`, naming the input. */
function fieldReaders(read: Reader, problems: string[]) {
  const text = (name: string): string => read(name).trim()
  const bool = (name: string, fallback: boolean): boolean => {
    const value = text(name).toLowerCase()
    if (value === '') return fallback
    if (['true', 'yes', '1'].includes(value)) return true
    if (['false', 'no', '0'].includes(value)) return false
    problems.push(`${name}: "${read(name)}" is not a boolean; use true or false`)
    return fallback
  }
  const count = (name: string, min: number, max: number): number | undefined => {
    const value = text(name)
    if (value === '') return undefined
    if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
      problems.push(`${name}: "${value}" is not a whole number from ${min} to ${max}`)
      return undefined
    }
    return Number(value)
  }
  const oneOf = <T extends string>(name: string, allowed: readonly T[], fallback: T): T => {
    const value = text(name).toLowerCase()
    if (value === '') return fallback
    if ((allowed as readonly string[]).includes(value)) return value as T
    problems.push(`${name}: "${text(name)}" is not accepted; use one of ${allowed.join(', ')}`)
    return fallback
  }
  const clusterName = (): string => {
    const value = text('cluster_name')
    if (value && !CLUSTER_NAME.test(value)) {
      problems.push(`cluster_name: "${value}" may only contain lower-case letters, digits, "." and "-"`)
    }
    return value
  }
  return { text, bool, count, oneOf, clusterName }
}

const LOGS_POLICIES = ['on-failure', 'always', 'never'] as const

/** Reads every input through `read` (core.getInput on a runner) and validates it. */
export function parseInputs(read: Reader = name => core.getInput(name)): Inputs {
  const problems: string[] = []
  const { text, bool, count, oneOf, clusterName: readClusterName } = fieldReaders(read, problems)

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

  const inputs: Inputs = {
    clusterName,
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
    loadBalancerImage: text('load_balancer_image')
  }
  if (problems.length) throw new InputError(problems)
  return inputs
}

/** What the post step needs when the main step saved no state (it failed early, or was killed). */
export interface PostInputs {
  /** cluster_name, else the config's `name`, else "kind": the rule the main step follows. */
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

/** The post step's inputs, by the same rules as parseInputs but leniently: a bad value falls back to its default. */
export function parsePostInputs(
  read: Reader = name => core.getInput(name),
  cwd: string = process.env.GITHUB_WORKSPACE || process.cwd()
): PostInputs {
  const problems: string[] = []
  const { text, bool, count, oneOf, clusterName: readClusterName } = fieldReaders(read, problems)
  // An invalid cluster_name names no cluster post could delete; the config's name is the next rule.
  let clusterName = readClusterName()
  if (problems.length) clusterName = ''
  if (!clusterName) {
    try {
      clusterName = configName(read('config'), cwd) ?? ''
    } catch (error) {
      problems.push(`config: ${(error as Error).message}`)
    }
  }
  const logsRetentionDays = count('logs_retention_days', 1, 90)
  return {
    clusterName: clusterName || 'kind',
    kubeconfig: text('kubeconfig'),
    cleanup: bool('cleanup', true),
    logs: oneOf('logs', LOGS_POLICIES, 'on-failure'),
    logsDir: text('logs_dir'),
    ...(logsRetentionDays !== undefined ? { logsRetentionDays } : {}),
    jobStatus: readJobStatus(read),
    problems
  }
}
