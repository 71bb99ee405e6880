// kind's defaulting (pkg/apis/config/v1alpha4/default.go, pkg/internal/apis/config/default.go, and
// the port-mapping and mount defaults the docker provider applies while provisioning), so that the
// rest of the action sees every field filled in exactly as kind would fill it.

import { isAbsolute, resolve } from 'node:path'
import type {
  Cluster,
  IPFamily,
  KubeProxyMode,
  Mount,
  Networking,
  Node,
  NodeRole,
  PatchJSON6902,
  PortMapping,
  RawCluster,
  RawMount,
  RawNetworking,
  RawNode,
  RawPatchJSON6902,
  RawPortMapping
} from './types.js'

export const DEFAULT_CLUSTER_NAME = 'kind'

export interface DefaultsOptions {
  /** The node image used where the config names none. */
  defaultImage: string
  /** The action's cluster name input; wins over the config's name (like kind's --name). */
  nameOverride?: string
  /** The name when neither nameOverride nor the config gives one; kind's "kind" when not set. */
  defaultName?: string
  /** The action's image input; replaces the image of every node (like kind's --image). */
  imageOverride?: string
  /** Directory that relative extraMounts hostPaths are resolved against. */
  cwd: string
}

// Defaulting keeps unknown role/family/mode strings as they are so that validateCluster reports
// them together with every other problem, as kind validates only after defaulting. Until then
// the Cluster may hold such strings in these fields; nothing reads them before validation.
function unvalidated<T extends string>(value: string): T {
  return value as T
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value
}

function defaultPatch(raw: RawPatchJSON6902): PatchJSON6902 {
  return { group: raw.group ?? '', version: raw.version ?? '', kind: raw.kind ?? '', patch: raw.patch ?? '' }
}

function defaultMount(raw: RawMount, cwd: string): Mount {
  const hostPath = raw.hostPath ?? ''
  return {
    containerPath: raw.containerPath ?? '',
    // kind leaves absolute paths untouched and makes the others absolute (an empty one becomes the cwd).
    hostPath: isAbsolute(hostPath) ? hostPath : resolve(cwd, hostPath),
    readOnly: raw.readOnly ?? false,
    selinuxRelabel: raw.selinuxRelabel ?? false,
    propagation: raw.propagation ?? 'None'
  }
}

function defaultPortMapping(raw: RawPortMapping, ipFamily: string): PortMapping {
  return {
    containerPort: raw.containerPort ?? 0,
    hostPort: raw.hostPort ?? 0,
    listenAddress: nonEmpty(raw.listenAddress) ?? (ipFamily === 'ipv6' ? '::' : '0.0.0.0'),
    protocol: raw.protocol ?? 'TCP'
  }
}

function defaultNode(raw: RawNode, ipFamily: string, options: DefaultsOptions): Node {
  return {
    role: unvalidated<NodeRole>(nonEmpty(raw.role) ?? 'control-plane'),
    image: nonEmpty(options.imageOverride) ?? nonEmpty(raw.image) ?? options.defaultImage,
    labels: { ...raw.labels },
    extraMounts: (raw.extraMounts ?? []).map((m) => defaultMount(m, options.cwd)),
    extraPortMappings: (raw.extraPortMappings ?? []).map((pm) => defaultPortMapping(pm, ipFamily)),
    kubeadmConfigPatches: [...(raw.kubeadmConfigPatches ?? [])],
    kubeadmConfigPatchesJSON6902: (raw.kubeadmConfigPatchesJSON6902 ?? []).map(defaultPatch)
  }
}

function bySubnetFamily(ipFamily: string, ipv4: string, ipv6: string): string {
  if (ipFamily === 'ipv6') return ipv6
  if (ipFamily === 'dual') return `${ipv4},${ipv6}`
  return ipv4
}

function defaultNetworking(raw: RawNetworking): Networking {
  const ipFamily = nonEmpty(raw.ipFamily) ?? 'ipv4'
  const out: Networking = {
    ipFamily: unvalidated<IPFamily>(ipFamily),
    apiServerPort: raw.apiServerPort ?? 0,
    apiServerAddress: nonEmpty(raw.apiServerAddress) ?? (ipFamily === 'ipv6' ? '::1' : '127.0.0.1'),
    podSubnet: nonEmpty(raw.podSubnet) ?? bySubnetFamily(ipFamily, '10.244.0.0/16', 'fd00:10:244::/56'),
    serviceSubnet: nonEmpty(raw.serviceSubnet) ?? bySubnetFamily(ipFamily, '10.96.0.0/16', 'fd00:10:96::/112'),
    disableDefaultCNI: raw.disableDefaultCNI ?? false,
    kubeProxyMode: unvalidated<KubeProxyMode>(nonEmpty(raw.kubeProxyMode) ?? 'iptables')
  }
  // Absent and empty mean different things here: inherit the host's search domains, or drop them.
  if (raw.dnsSearch !== undefined) out.dnsSearch = [...raw.dnsSearch]
  return out
}

/** Fills in every field kind defaults; the result is a fresh object that shares nothing with `raw`. */
export function applyDefaults(raw: RawCluster, options: DefaultsOptions): Cluster {
  const networking = defaultNetworking(raw.networking ?? {})
  // kind replaces an empty node list (not only an absent one) with a single control plane.
  const rawNodes = raw.nodes !== undefined && raw.nodes.length > 0 ? raw.nodes : [{ role: 'control-plane' }]
  return {
    name: nonEmpty(options.nameOverride) ?? nonEmpty(raw.name) ?? nonEmpty(options.defaultName) ?? DEFAULT_CLUSTER_NAME,
    nodes: rawNodes.map((n) => defaultNode(n, networking.ipFamily, options)),
    networking,
    featureGates: { ...raw.featureGates },
    runtimeConfig: { ...raw.runtimeConfig },
    kubeadmConfigPatches: [...(raw.kubeadmConfigPatches ?? [])],
    kubeadmConfigPatchesJSON6902: (raw.kubeadmConfigPatchesJSON6902 ?? []).map(defaultPatch),
    containerdConfigPatches: [...(raw.containerdConfigPatches ?? [])],
    containerdConfigPatchesJSON6902: [...(raw.containerdConfigPatchesJSON6902 ?? [])]
  }
}
