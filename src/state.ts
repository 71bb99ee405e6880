// The one value the main step hands to the post step: versioned JSON in the step state, saved before
// anything is created and updated as creation goes on, so the post step can always clean up.
import * as core from '@actions/core'
import type { LogsPolicy } from './inputs.js'
import type { NodeSummary } from './cluster/create.js'
import type { PhaseTiming } from './cluster/phases.js'

export const STATE_VERSION = 1
const STATE_KEY = 'kind-action'

export interface FailureInfo {
  phase: string
  message: string
}

export interface ActionState {
  version: typeof STATE_VERSION
  clusterName: string
  /** Our ownership label value on every container this step created. */
  owner: string
  kubeconfigPath: string
  cleanup: boolean
  keepOnFailure: boolean
  logs: LogsPolicy
  logsDir: string
  logsRetentionDays?: number
  /** True once this step started creating containers: only then does post delete anything. */
  creating: boolean
  failure?: FailureInfo
  nodeImage?: string
  kubernetesVersion?: string
  nodes?: NodeSummary[]
  timings?: PhaseTiming[]
  /** Images pulled by this step that post may save to the cache. */
  imagesToCache?: string[]
}

export function saveState(state: ActionState): void {
  core.saveState(STATE_KEY, JSON.stringify(state))
}

/** The saved state, or undefined when main saved none; a malformed or foreign state is an error. */
export function loadState(read: (key: string) => string = key => core.getState(key)): ActionState | undefined {
  const text = read(STATE_KEY)
  if (!text) return undefined
  let value: Partial<ActionState>
  try {
    value = JSON.parse(text) as Partial<ActionState>
  } catch {
    throw new Error('the state saved by the main step is not JSON')
  }
  if (value.version !== STATE_VERSION) {
    throw new Error(`the state saved by the main step has version ${String(value.version)}, expected ${STATE_VERSION}`)
  }
  for (const key of ['clusterName', 'owner', 'kubeconfigPath'] as const) {
    if (typeof value[key] !== 'string') throw new Error(`the state saved by the main step lacks ${key}`)
  }
  return value as ActionState
}
