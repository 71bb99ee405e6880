// Defaulted Cluster values for tests, built by hand (the config module has its own tests).
import type { Cluster, Node } from '../../src/config/types.js'

/** A defaulted Node of this role (image kindest/node:v1.34.4 unless `extra` says otherwise). */
export function node(role: Node['role'], extra: Partial<Node> = {}): Node {
  return {
    role,
    image: 'kindest/node:v1.34.4',
    labels: {},
    extraMounts: [],
    extraPortMappings: [],
    kubeadmConfigPatches: [],
    kubeadmConfigPatchesJSON6902: [],
    ...extra
  }
}

/** kind's default networking (IPv4), field for field. */
export const DEFAULT_NETWORKING: Readonly<Cluster['networking']> = Object.freeze({
  ipFamily: 'ipv4',
  apiServerPort: 0,
  apiServerAddress: '127.0.0.1',
  podSubnet: '10.244.0.0/16',
  serviceSubnet: '10.96.0.0/16',
  disableDefaultCNI: false,
  kubeProxyMode: 'iptables'
})

/** A defaulted Cluster of these nodes: kind's default cluster, field for field, but for `extra`. */
export function cluster(nodes: Node[], extra: Partial<Cluster> = {}): Cluster {
  return {
    name: 'kind',
    nodes,
    networking: { ...DEFAULT_NETWORKING },
    featureGates: {},
    runtimeConfig: {},
    kubeadmConfigPatches: [],
    kubeadmConfigPatchesJSON6902: [],
    containerdConfigPatches: [],
    containerdConfigPatchesJSON6902: [],
    ...extra
  }
}
