// The action's node-count inputs, used when no config is given, expressed as the config a user
// would have written, so that it goes through the same defaults and validation.

import type { RawCluster, RawNode } from './types.js'

export interface Shorthand {
  controlPlanes: number
  workers: number
}

function count(value: number, name: string, minimum: number): number {
  if (!Number.isSafeInteger(value) || value < minimum) {
    throw new RangeError(`${name} must be a whole number of at least ${minimum}, got ${value}`)
  }
  return value
}

/** A config with `controlPlanes` control-plane nodes followed by `workers` worker nodes. */
export function clusterFromShorthand({ controlPlanes, workers }: Shorthand): RawCluster {
  const nodes: RawNode[] = [
    ...Array.from({ length: count(controlPlanes, 'controlPlanes', 1) }, () => ({ role: 'control-plane' })),
    ...Array.from({ length: count(workers, 'workers', 0) }, () => ({ role: 'worker' }))
  ]
  return { nodes }
}
