// The one value the main step hands to the post step: versioned JSON in the step state, saved before
// anything is created and updated as creation goes on, so the post step can always clean up.
import * as core from '@actions/core'
import type { LogsPolicy } from './logs/policy.js'
import type { NodeSummary } from './cluster/types.js'
import type { FailureInfo, PhaseTiming } from './cluster/phases.js'
import type { CacheFact, ImageCacheState } from './cache/image-cache.js'

export const STATE_VERSION = 1
const STATE_KEY = 'kind-action'

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
  /** Set at the very end of a successful main step; creating without completed means main never finished. */
  completed?: boolean
  /** The main step already wrote the job summary (it does on failure); post then adds only its logs part. */
  summaryWritten?: boolean
  nodeImage?: string
  /** The node image's ID on the Docker host, shown when the reference has no digest. */
  nodeImageId?: string
  cache?: CacheFact
  kubernetesVersion?: string
  nodes?: NodeSummary[]
  timings?: PhaseTiming[]
  /** Images pulled by this step that post may save to the cache. */
  imagesToCache?: string[]
  /** What the image cache did for each image (figures, keys), and what post needs to save. */
  imageCache?: ImageCacheState
  /** The local registry's container (registry: true), recorded before it is created: post removes it. */
  registry?: { container: string }
}

export function saveState(state: ActionState): void {
  core.saveState(STATE_KEY, JSON.stringify(state))
}

/**
 * The main step's one way to change its state: every update is saved at once, so the post step sees
 * what was true when the main step stopped, however it stopped.
 */
export class StateRecorder {
  #state: ActionState

  constructor(initial: ActionState, private readonly save: (state: ActionState) => void = saveState) {
    this.#state = initial
    save(initial)
  }

  get state(): Readonly<ActionState> {
    return this.#state
  }

  update(patch: Partial<ActionState>): void {
    this.#state = { ...this.#state, ...patch }
    this.save(this.#state)
  }
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
