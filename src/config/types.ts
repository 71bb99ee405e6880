// The kind v1alpha4 Cluster config (kind.x-k8s.io/v1alpha4), as kind decodes it, and the
// fully defaulted form the rest of the action works with.

export type NodeRole = 'control-plane' | 'worker'
export type IPFamily = 'ipv4' | 'ipv6' | 'dual'
export type KubeProxyMode = 'iptables' | 'ipvs' | 'nftables' | 'none'
export type MountPropagation = 'None' | 'HostToContainer' | 'Bidirectional'
export type PortProtocol = 'TCP' | 'UDP' | 'SCTP'

export interface PatchJSON6902 {
  group: string
  version: string
  kind: string
  /** YAML or JSON list of RFC 6902 operations. */
  patch: string
}

export interface Mount {
  containerPath: string
  hostPath: string
  readOnly: boolean
  selinuxRelabel: boolean
  propagation: MountPropagation
}

export interface PortMapping {
  containerPort: number
  /** 0: a free port chosen by us; -1: Docker chooses. */
  hostPort: number
  listenAddress: string
  protocol: PortProtocol
}

export interface Node {
  role: NodeRole
  image: string
  labels: Record<string, string>
  extraMounts: Mount[]
  extraPortMappings: PortMapping[]
  kubeadmConfigPatches: string[]
  kubeadmConfigPatchesJSON6902: PatchJSON6902[]
}

export interface Networking {
  ipFamily: IPFamily
  apiServerPort: number
  apiServerAddress: string
  podSubnet: string
  serviceSubnet: string
  disableDefaultCNI: boolean
  kubeProxyMode: KubeProxyMode
  /** undefined: inherit the host's search domains; []: remove them all. */
  dnsSearch?: string[]
}

/** A Cluster after kind's defaults were applied: every field is present. */
export interface Cluster {
  name: string
  nodes: Node[]
  networking: Networking
  featureGates: Record<string, boolean>
  runtimeConfig: Record<string, string>
  kubeadmConfigPatches: string[]
  kubeadmConfigPatchesJSON6902: PatchJSON6902[]
  containerdConfigPatches: string[]
  containerdConfigPatchesJSON6902: string[]
}

// The same config as decoded from YAML, before defaulting: an absent (or null) field is
// undefined. Enumerations that kind checks only after defaulting (role, ipFamily, kubeProxyMode)
// stay plain strings here so that validateCluster can report them with every other problem;
// protocol and propagation are checked while decoding, as kind does.

export interface RawPatchJSON6902 {
  group?: string
  version?: string
  kind?: string
  patch?: string
}

export interface RawMount {
  containerPath?: string
  hostPath?: string
  readOnly?: boolean
  selinuxRelabel?: boolean
  propagation?: MountPropagation
}

export interface RawPortMapping {
  containerPort?: number
  hostPort?: number
  listenAddress?: string
  protocol?: PortProtocol
}

export interface RawNode {
  role?: string
  image?: string
  labels?: Record<string, string>
  extraMounts?: RawMount[]
  extraPortMappings?: RawPortMapping[]
  kubeadmConfigPatches?: string[]
  kubeadmConfigPatchesJSON6902?: RawPatchJSON6902[]
}

export interface RawNetworking {
  ipFamily?: string
  apiServerPort?: number
  apiServerAddress?: string
  podSubnet?: string
  serviceSubnet?: string
  disableDefaultCNI?: boolean
  kubeProxyMode?: string
  dnsSearch?: string[]
}

export interface RawCluster {
  name?: string
  nodes?: RawNode[]
  networking?: RawNetworking
  featureGates?: Record<string, boolean>
  runtimeConfig?: Record<string, string>
  kubeadmConfigPatches?: string[]
  kubeadmConfigPatchesJSON6902?: RawPatchJSON6902[]
  containerdConfigPatches?: string[]
  containerdConfigPatchesJSON6902?: string[]
}
