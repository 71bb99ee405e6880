// kind's kubeadm patch pipeline (§4.9): the cluster's patches in one pass, then the node's own
// patches in a second pass (only if it has any), then the `metadata: name: config` that the
// template carries for matching is cut out of the text.

import type { PatchJSON6902 } from '../config/types.js'
import { kubeYAML } from './kubeyaml.js'

export { PatchError } from './kubeyaml.js'

/** The two patch lists; a `Cluster` and a `Node` both have this shape. */
export interface KubeadmPatches {
  kubeadmConfigPatches: string[]
  kubeadmConfigPatchesJSON6902: PatchJSON6902[]
}

export interface KubeadmPatchSources {
  cluster: KubeadmPatches
  node?: KubeadmPatches
  /** How errors name the node's patch lists, e.g. `nodes[1]`. */
  nodeLabel?: string
}

const CONFIG_METADATA = 'metadata:\n  name: config\n'

/** Removes the literal metadata block everywhere, as kind does (not a YAML-aware edit). */
export function removeConfigMetadata(text: string): string {
  return text.replaceAll(CONFIG_METADATA, '')
}

function hasPatches(p: KubeadmPatches): boolean {
  return p.kubeadmConfigPatches.length > 0 || p.kubeadmConfigPatchesJSON6902.length > 0
}

/** Turns the rendered template (with metadata) into the final /kind/kubeadm.conf text. */
export function patchKubeadmConfig(template: string, sources: KubeadmPatchSources): string {
  const { cluster, node } = sources
  let out = kubeYAML(template, cluster.kubeadmConfigPatches, cluster.kubeadmConfigPatchesJSON6902)
  if (node && hasPatches(node)) {
    const prefix = sources.nodeLabel ?? 'node'
    out = kubeYAML(out, node.kubeadmConfigPatches, node.kubeadmConfigPatchesJSON6902, {
      merge: `${prefix}.kubeadmConfigPatches`,
      json6902: `${prefix}.kubeadmConfigPatchesJSON6902`
    })
  }
  return removeConfigMetadata(out)
}
