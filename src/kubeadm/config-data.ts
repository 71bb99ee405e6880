// What kind's kubeadm template needs to know about one node (kubeadm.ConfigData in kind).

import type { IPFamily, KubeProxyMode } from '../config/types.js'

export const KUBEADM_CONFIG_PATH = '/kind/kubeadm.conf'
/** Well-known bootstrap token; the cluster is disposable and reachable only locally. */
export const KUBEADM_TOKEN = 'abcdef.0123456789abcdef'
export const API_SERVER_INTERNAL_PORT = 6443

export class KubeadmConfigError extends Error {
  override name = 'KubeadmConfigError'
}

export interface KubeadmConfigData {
  clusterName: string
  /** Contents of /kind/version on the node, e.g. `v1.34.4`. */
  kubernetesVersion: string
  /** `<cluster>-external-load-balancer:6443` with several control planes, else `<cluster>-control-plane:6443`. */
  controlPlaneEndpoint: string
  apiServerAddress: string
  podSubnet: string
  serviceSubnet: string
  kubeProxyMode: KubeProxyMode
  ipFamily: IPFamily
  featureGates: Record<string, boolean>
  runtimeConfig: Record<string, string>
  /** The node's container name. */
  nodeName: string
  /** The node's address, or for dual stack `<primary>,<secondary>` in the service subnets' order. */
  nodeAddress: string
  /** `k=v` pairs joined by `,`, or `''`. */
  nodeLabels: string
  controlPlane: boolean
  rootless: boolean
  /** Provider name in `kind://<provider>/<cluster>/<node>`; kind's docker provider says `docker`. */
  nodeProvider?: string
}
