// A running cluster's kubeconfig as kind's `get kubeconfig` / `export kubeconfig` make it (kind-spec
// §5.9 steps 1-2): admin.conf of the first control plane by name, renamed to kind-<name>, pointed at
// the host's published port, or left at the in-network address for --internal.
import type { DockerPort } from '../docker/port.js'
import { encodeYAML } from '../kubeadm/goyaml/encode.js'
import type { JsonValue } from '../kubeadm/json.js'
import { hostEndpoint } from './endpoints.js'
import { CLUSTER_LABEL, LOAD_BALANCER_ROLE, ROLE_LABEL } from './identity.js'
import { kindKubeconfig, parseKubeconfig, type KubeconfigDoc } from './kubeconfig.js'
import { readFile } from './node-exec.js'

/** kind's nodeutils: which container serves the API to the host (the load balancer, else the one control plane). */
async function apiServerContainer(docker: DockerPort, clusterName: string): Promise<string> {
  const containers = await docker.listContainers({ [CLUSTER_LABEL]: clusterName })
  const balancers = containers.filter(c => c.labels[ROLE_LABEL] === LOAD_BALANCER_ROLE)
  if (balancers.length > 1) throw new Error(`unexpected number of external load balancer nodes: ${balancers.length}`)
  if (balancers.length === 1) return balancers[0].name
  const controlPlanes = containers.filter(c => c.labels[ROLE_LABEL] === 'control-plane')
  if (controlPlanes.length !== 1) throw new Error(`expected exactly one control plane node without a load balancer, found ${controlPlanes.length}`)
  return controlPlanes[0].name
}

export async function readClusterKubeconfig(docker: DockerPort, clusterName: string, internal: boolean): Promise<KubeconfigDoc> {
  const containers = await docker.listContainers({ [CLUSTER_LABEL]: clusterName })
  const controlPlanes = containers.filter(c => c.labels[ROLE_LABEL] === 'control-plane').map(c => c.name).sort()
  if (!controlPlanes.length) {
    throw new Error(`could not locate any control plane nodes for cluster named '${clusterName}'. Use the --name option to select a different cluster`)
  }
  const admin = await readFile(docker, controlPlanes[0], '/etc/kubernetes/admin.conf')
  if (internal) {
    const server = (parseKubeconfig(admin, 'admin.conf').clusters?.[0]?.cluster as { server?: string } | undefined)?.server ?? ''
    return kindKubeconfig(admin, clusterName, server)
  }
  const endpoint = await apiServerContainer(docker, clusterName)
  const info = await docker.inspectContainer(endpoint)
  if (!info) throw new Error(`container ${endpoint} disappeared`)
  return kindKubeconfig(admin, clusterName, hostEndpoint(info.ports))
}

/** kind's kubeconfig encoding: sigs.k8s.io/yaml, keys sorted; an empty config is no text at all. */
export function encodeKubeconfig(doc: KubeconfigDoc): string {
  const text = encodeYAML(doc as unknown as JsonValue)
  return text === '{}\n' ? '' : text
}
