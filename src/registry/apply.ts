// Carrying out a RegistryPlan through the Docker port: the registry container (its image pulled with the
// runner's credentials when missing), its hosts.toml in every node, the KEP-1755 ConfigMap; and, in the
// post step, its removal.
import { ensureImage } from '../cluster/images.js'
import { run, writeFile } from '../cluster/node-exec.js'
import type { CredentialLookup } from '../docker/credentials.js'
import { engineMessage, type DockerPort } from '../docker/port.js'
import { REGISTRY_LABEL, type RegistryPlan } from './plan.js'

const KUBECTL = ['kubectl', '--kubeconfig=/etc/kubernetes/admin.conf']

/** Before anything is created: the registry's container name must be free (helm's `docker run` fails too). */
export async function assertRegistryNameFree(docker: DockerPort, name: string): Promise<void> {
  const existing = await docker.inspectContainer(name)
  if (existing) {
    throw new Error(`registry_name: a container named "${name}" already exists on the Docker host; remove it or choose another registry_name`)
  }
}

/** Polls GET /v2/ until the registry answers at all (200, or 401 when it wants authentication). */
async function waitUntilAnswers(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  let last = ''
  while (Date.now() < deadline) {
    try {
      await fetch(url, { signal: AbortSignal.timeout(2000) })
      return
    } catch (error) {
      last = (error as Error).message
      await new Promise(resolve => setTimeout(resolve, 200))
    }
  }
  throw new Error(`the local registry does not answer at ${url} after ${timeoutMs / 1000} s (${last})`)
}

export interface RegistryTarget {
  /** Every node of the cluster: each gets the hosts.toml files. */
  nodes: string[]
  /** A control-plane node, whose kubectl applies the ConfigMap. */
  controlPlane: string
  credentials?: CredentialLookup
  timeoutMs?: number
}

/** Creates and starts the registry container (its image pulled with the runner's credentials when missing). */
export async function startRegistry(docker: DockerPort, plan: RegistryPlan, credentials?: CredentialLookup): Promise<void> {
  const { container } = plan
  const image = await ensureImage(docker, container.Image, undefined, undefined, credentials)
  await docker.createContainer({ ...container, Image: image.runRef })
  try {
    await docker.startContainer(container.name)
  } catch (error) {
    throw new Error(`the local registry did not start (registry_port ${plan.port} on 127.0.0.1 may be in use): ${engineMessage(error)}`)
  }
}

/** Every node's hosts.toml files (containerd reads them at each pull: no restart needed). */
export async function writeHostsFiles(docker: DockerPort, plan: RegistryPlan, nodes: string[]): Promise<void> {
  await Promise.all(nodes.flatMap(node => plan.nodeFiles.map(file => writeFile(docker, node, file.path, file.content))))
}

/** Starts the registry and points the cluster at it. */
export async function setUpRegistry(docker: DockerPort, plan: RegistryPlan, target: RegistryTarget): Promise<void> {
  await startRegistry(docker, plan, target.credentials)
  await Promise.all([
    waitUntilAnswers(`http://127.0.0.1:${plan.port}/v2/`, target.timeoutMs ?? 30_000),
    writeHostsFiles(docker, plan, target.nodes)
  ])
  await run(docker, target.controlPlane, [...KUBECTL, 'apply', '-f', '-'], { stdin: plan.configMap })
}

/**
 * The post step's removal: only a container that is the registry this job made for this cluster (the
 * name may have been taken by something else when the main step failed on it).
 */
export async function removeRegistry(docker: DockerPort, name: string, clusterName: string, labels: Record<string, string>): Promise<'removed' | 'absent' | 'not ours'> {
  const info = await docker.inspectContainer(name)
  if (!info) return 'absent'
  const ours = info.labels[REGISTRY_LABEL] === clusterName && Object.entries(labels).every(([k, v]) => info.labels[k] === v)
  if (!ours) return 'not ours'
  await docker.removeContainer(name)
  return 'removed'
}
