// From the action's inputs to one defaulted, validated kind Cluster: the config input (a file or inline
// YAML) or the control_planes/workers shorthand, then the image and name the inputs ask for.
import { applyDefaults, clusterFromShorthand, clusterNameProblem, loadClusterConfig, validateCluster, ConfigError } from './config/index.js'
import type { Cluster } from './config/types.js'
import type { Inputs } from './inputs.js'
import { InputError } from './inputs.js'
import { defaultNodeImage, resolveNodeImage } from './node-images.js'

/** The image every node gets unless the config names one: node_image, else the default image of the inputs. */
export function chosenNodeImage(inputs: Inputs): string {
  return inputs.nodeImage || defaultImageOf(inputs)
}

function defaultImageOf(inputs: Inputs): string {
  try {
    // kubernetes_version, else the default image of helm's `version` (a kind release), else ours.
    return inputs.kubernetesVersion ? resolveNodeImage(inputs.kubernetesVersion) : (inputs.kindReleaseImage ?? defaultNodeImage())
  } catch (error) {
    throw new InputError([(error as Error).message])
  }
}

export function loadCluster(inputs: Inputs, env: Record<string, string | undefined>): { cluster: Cluster; nodeImage: string } {
  if (inputs.nodeImage && inputs.kubernetesVersion) {
    throw new InputError(['node_image / kubernetes_version: set one of them; node_image already names the Kubernetes version'])
  }
  // cluster_name overrides the config's name: a bad one is the input's fault, so the error names the input.
  const nameProblem = inputs.clusterName ? clusterNameProblem(inputs.clusterName) : undefined
  if (nameProblem) throw new InputError([`cluster_name: ${nameProblem}`])
  const defaultImage = defaultImageOf(inputs)
  const options = {
    defaultImage,
    ...(inputs.clusterName ? { nameOverride: inputs.clusterName } : {}),
    defaultName: inputs.defaultClusterName,
    ...(inputs.nodeImage ? { imageOverride: inputs.nodeImage } : {}),
    cwd: env.GITHUB_WORKSPACE || process.cwd()
  }
  let cluster: Cluster
  if (inputs.config) {
    cluster = loadClusterConfig(inputs.config, options)
  } else {
    cluster = applyDefaults(
      clusterFromShorthand({ controlPlanes: inputs.controlPlanes ?? 1, workers: inputs.workers ?? 0 }),
      options
    )
    const problems = validateCluster(cluster)
    if (problems.length) throw new ConfigError('control_planes/workers', problems)
  }
  const firstControlPlane = cluster.nodes.find(n => n.role === 'control-plane') ?? cluster.nodes[0]
  return { cluster, nodeImage: firstControlPlane.image }
}
