// The kind.x-k8s.io/v1alpha4 schema (kind's pkg/apis/config/v1alpha4/types.go and yaml.go):
// field names, Go types and the two enumerations kind checks while decoding.

import type {
  MountPropagation,
  PortProtocol,
  RawCluster,
  RawMount,
  RawNetworking,
  RawNode,
  RawPatchJSON6902,
  RawPortMapping
} from './types.js'
import type { YamlReader, YamlValue } from './yaml-reader.js'

const PROTOCOLS: readonly PortProtocol[] = ['TCP', 'UDP', 'SCTP']
const PROPAGATIONS: readonly MountPropagation[] = ['None', 'HostToContainer', 'Bidirectional']

function set<T, K extends keyof T>(target: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined) target[key] = value
}

function stringList(r: YamlReader, value: YamlValue | null, path: string): string[] | undefined {
  return r.list(value, path, (item, itemPath) => r.string(item, itemPath))
}

function decodePatch(r: YamlReader, value: YamlValue | null, path: string): RawPatchJSON6902 {
  const out: RawPatchJSON6902 = {}
  r.struct(value, path, {
    group: (v, p) => set(out, 'group', r.string(v, p)),
    version: (v, p) => set(out, 'version', r.string(v, p)),
    kind: (v, p) => set(out, 'kind', r.string(v, p)),
    patch: (v, p) => set(out, 'patch', r.string(v, p))
  })
  return out
}

function patchList(r: YamlReader, value: YamlValue | null, path: string): RawPatchJSON6902[] | undefined {
  return r.list(value, path, (item, itemPath) => decodePatch(r, item, itemPath))
}

function decodeMount(r: YamlReader, value: YamlValue | null, path: string): RawMount {
  const out: RawMount = {}
  r.struct(value, path, {
    containerPath: (v, p) => set(out, 'containerPath', r.string(v, p)),
    hostPath: (v, p) => set(out, 'hostPath', r.string(v, p)),
    readOnly: (v, p) => set(out, 'readOnly', r.bool(v, p)),
    selinuxRelabel: (v, p) => set(out, 'selinuxRelabel', r.bool(v, p)),
    propagation: (v, p) => {
      const text = r.string(v, p)
      // kind treats an empty propagation as unset.
      if (text === undefined || text === '') return
      const known = PROPAGATIONS.find((mode) => mode === text)
      if (known === undefined) {
        r.report(p, `${JSON.stringify(text)} is not a mount propagation; use None, HostToContainer or Bidirectional`)
      }
      set(out, 'propagation', known)
    }
  })
  return out
}

function decodePortMapping(r: YamlReader, value: YamlValue | null, path: string): RawPortMapping {
  const out: RawPortMapping = {}
  r.struct(value, path, {
    containerPort: (v, p) => set(out, 'containerPort', r.int32(v, p)),
    hostPort: (v, p) => set(out, 'hostPort', r.int32(v, p)),
    listenAddress: (v, p) => set(out, 'listenAddress', r.string(v, p)),
    protocol: (v, p) => {
      const text = r.string(v, p)
      if (text === undefined || text === '') return
      // kind upper-cases the protocol before checking it, so "udp" is accepted.
      const upper = text.toUpperCase()
      const known = PROTOCOLS.find((protocol) => protocol === upper)
      if (known === undefined) {
        r.report(p, `${JSON.stringify(text)} is not a protocol; use TCP, UDP or SCTP`)
      }
      set(out, 'protocol', known)
    }
  })
  return out
}

function decodeNode(r: YamlReader, value: YamlValue | null, path: string): RawNode {
  const out: RawNode = {}
  r.struct(value, path, {
    role: (v, p) => set(out, 'role', r.string(v, p)),
    image: (v, p) => set(out, 'image', r.string(v, p)),
    labels: (v, p) => set(out, 'labels', r.map(v, p, (item, itemPath) => r.string(item, itemPath))),
    extraMounts: (v, p) => set(out, 'extraMounts', r.list(v, p, (item, itemPath) => decodeMount(r, item, itemPath))),
    extraPortMappings: (v, p) =>
      set(out, 'extraPortMappings', r.list(v, p, (item, itemPath) => decodePortMapping(r, item, itemPath))),
    kubeadmConfigPatches: (v, p) => set(out, 'kubeadmConfigPatches', stringList(r, v, p)),
    kubeadmConfigPatchesJSON6902: (v, p) => set(out, 'kubeadmConfigPatchesJSON6902', patchList(r, v, p))
  })
  return out
}

function decodeNetworking(r: YamlReader, value: YamlValue | null, path: string): RawNetworking {
  const out: RawNetworking = {}
  r.struct(value, path, {
    ipFamily: (v, p) => set(out, 'ipFamily', r.string(v, p)),
    apiServerPort: (v, p) => set(out, 'apiServerPort', r.int32(v, p)),
    apiServerAddress: (v, p) => set(out, 'apiServerAddress', r.string(v, p)),
    podSubnet: (v, p) => set(out, 'podSubnet', r.string(v, p)),
    serviceSubnet: (v, p) => set(out, 'serviceSubnet', r.string(v, p)),
    disableDefaultCNI: (v, p) => set(out, 'disableDefaultCNI', r.bool(v, p)),
    kubeProxyMode: (v, p) => set(out, 'kubeProxyMode', r.string(v, p)),
    dnsSearch: (v, p) => set(out, 'dnsSearch', stringList(r, v, p))
  })
  return out
}

/** Decodes the Cluster object; problems are left in the reader. */
export function decodeCluster(r: YamlReader, value: YamlValue): RawCluster {
  const out: RawCluster = {}
  r.struct(value, '', {
    // Checked by the caller before decoding.
    apiVersion: () => undefined,
    kind: () => undefined,
    name: (v, p) => set(out, 'name', r.string(v, p)),
    nodes: (v, p) => set(out, 'nodes', r.list(v, p, (item, itemPath) => decodeNode(r, item, itemPath))),
    networking: (v, p) => set(out, 'networking', decodeNetworking(r, v, p)),
    featureGates: (v, p) => set(out, 'featureGates', r.map(v, p, (item, itemPath) => r.bool(item, itemPath))),
    runtimeConfig: (v, p) => set(out, 'runtimeConfig', r.map(v, p, (item, itemPath) => r.string(item, itemPath))),
    kubeadmConfigPatches: (v, p) => set(out, 'kubeadmConfigPatches', stringList(r, v, p)),
    kubeadmConfigPatchesJSON6902: (v, p) => set(out, 'kubeadmConfigPatchesJSON6902', patchList(r, v, p)),
    containerdConfigPatches: (v, p) => set(out, 'containerdConfigPatches', stringList(r, v, p)),
    containerdConfigPatchesJSON6902: (v, p) => set(out, 'containerdConfigPatchesJSON6902', stringList(r, v, p))
  })
  return out
}
