// The kubeadm configuration kind writes to /kind/kubeadm.conf on every node
// (pkg/cluster/internal/kubeadm/config.go + create/actions/config/config.go): Cluster-, Init-,
// Join-, Kubelet- and (unless kube-proxy is disabled) KubeProxyConfiguration, in the kubeadm API
// version that the node's Kubernetes version calls for.
// The documents are built as values rather than by text templating; the result is then normalised
// exactly like kind's output (through JSON and go-yaml), so the text is the same.

import type { Cluster, Node } from '../config/types.js'
import { API_SERVER_INTERNAL_PORT, KUBEADM_TOKEN, KubeadmConfigError, type KubeadmConfigData } from './config-data.js'
import { encodeYAML } from './goyaml/encode.js'
import { resolvePlain } from './goyaml/resolve.js'
import { newObject, type JsonObject, type JsonValue } from './json.js'
import { kubeadmDataForNode, type NodeIPs } from './node-data.js'
import { patchKubeadmConfig, type KubeadmPatchSources } from './patch.js'
import { semver, Version } from './version.js'

export * from './config-data.js'
export * from './node-data.js'

const CRI_SOCKET = 'unix:///run/containerd/containerd.sock'

export type KubeadmAPIVersion = 'kubeadm.k8s.io/v1beta2' | 'kubeadm.k8s.io/v1beta3' | 'kubeadm.k8s.io/v1beta4'

/** kind v0.32+: v1beta2 below 1.23, v1beta3 below 1.36, v1beta4 from 1.36 (generic comparison). */
export function kubeadmAPIVersion(version: Version): KubeadmAPIVersion {
  if (version.lessThan(semver('v1.23.0'))) return 'kubeadm.k8s.io/v1beta2'
  if (version.lessThan(semver('v1.36.0'))) return 'kubeadm.k8s.io/v1beta3'
  return 'kubeadm.k8s.io/v1beta4'
}

/** Matches the node image's containerd `SystemdCgroup` setting, which depends only on the version. */
export function kubeletCgroupDriver(version: Version): 'systemd' | 'cgroupfs' {
  return version.lessThan(semver('v1.24.0')) ? 'cgroupfs' : 'systemd'
}

function obj(entries: [string, JsonValue | undefined][]): JsonObject {
  const o = newObject()
  for (const [k, v] of entries) if (v !== undefined) o[k] = v
  return o
}

type Args = [name: string, value: string][]

/** v1beta2/3 write component arguments as a map, v1beta4 as a list of {name, value}; none is null. */
function argsValue(args: Args, asList: boolean): JsonValue {
  if (args.length === 0) return null
  if (asList) return args.map(([name, value]) => obj([['name', name], ['value', value]]))
  return obj(args)
}

function sortedKeys(o: Record<string, unknown>): string[] {
  return Object.keys(o).sort()
}

interface Derived {
  apiVersion: KubeadmAPIVersion
  listArgs: boolean
  skipPhases: boolean
  advertiseAddress: string
  ipv6: boolean
  featureGates: Record<string, boolean>
  featureGatesString: string
  runtimeConfigString: string
  initSkipPhases: string[]
  kubeadmFeatureGates?: Record<string, boolean>
  cgroupDriver: 'systemd' | 'cgroupfs'
}

function derive(data: KubeadmConfigData): Derived {
  const version = Version.parseGeneric(data.kubernetesVersion)
  const featureGates = { ...data.featureGates }
  if (data.rootless) {
    if (version.lessThan(semver('v1.22.0'))) {
      throw new KubeadmConfigError(
        `version "${version.toString()}" is not compatible with rootless provider (hint: kind v0.11.x may work with this version)`
      )
    }
    featureGates.KubeletInUserNamespace = true
  }
  const apiVersion = kubeadmAPIVersion(version)
  const is120 = version.atLeast(semver('v1.20.0')) && version.lessThan(semver('v1.21.0'))
  return {
    apiVersion,
    listArgs: apiVersion === 'kubeadm.k8s.io/v1beta4',
    skipPhases: apiVersion !== 'kubeadm.k8s.io/v1beta2',
    advertiseAddress: data.nodeAddress.split(',')[0] as string,
    ipv6: data.ipFamily === 'ipv6',
    featureGates,
    featureGatesString: sortedKeys(featureGates)
      .map((k) => `${k}=${String(featureGates[k])}`)
      .join(','),
    runtimeConfigString: sortedKeys(data.runtimeConfig)
      .map((k) => `${k}=${data.runtimeConfig[k] as string}`)
      .join(','),
    initSkipPhases: data.kubeProxyMode === 'none' ? ['preflight', 'addon/kube-proxy'] : ['preflight'],
    // kubeadm 1.20 had its own gate for dual stack.
    kubeadmFeatureGates: is120 ? { IPv6DualStack: true } : undefined,
    cgroupDriver: kubeletCgroupDriver(version)
  }
}

const METADATA = (): JsonObject => obj([['name', 'config']])

function clusterConfiguration(data: KubeadmConfigData, d: Derived): JsonObject {
  const gates: Args = Object.keys(d.featureGates).length > 0 ? [['feature-gates', d.featureGatesString]] : []
  return obj([
    ['apiVersion', d.apiVersion],
    ['kind', 'ClusterConfiguration'],
    ['metadata', METADATA()],
    // kind's template leaves this value unquoted, so YAML decides its type.
    ['kubernetesVersion', resolvePlain(data.kubernetesVersion.trim()).value],
    ['clusterName', data.clusterName],
    ['featureGates', d.kubeadmFeatureGates],
    ['controlPlaneEndpoint', data.controlPlaneEndpoint],
    [
      'apiServer',
      obj([
        ['certSANs', ['localhost', data.apiServerAddress]],
        ['extraArgs', argsValue([['runtime-config', d.runtimeConfigString], ...gates], d.listArgs)]
      ])
    ],
    [
      'controllerManager',
      obj([
        [
          'extraArgs',
          argsValue(
            [...gates, ['enable-hostpath-provisioner', 'true'], ...(d.ipv6 ? ([['bind-address', '::']] as Args) : [])],
            d.listArgs
          )
        ]
      ])
    ],
    [
      'scheduler',
      obj([['extraArgs', argsValue([...gates, ...(d.ipv6 ? ([['bind-address', '::1']] as Args) : [])], d.listArgs)]])
    ],
    ['networking', obj([['podSubnet', data.podSubnet], ['serviceSubnet', data.serviceSubnet]])]
  ])
}

function nodeRegistration(data: KubeadmConfigData, d: Derived): JsonObject {
  const provider = data.nodeProvider ?? 'docker'
  return obj([
    ['criSocket', CRI_SOCKET],
    [
      'kubeletExtraArgs',
      argsValue(
        [
          ['node-ip', data.nodeAddress],
          ['provider-id', `kind://${provider}/${data.clusterName}/${data.nodeName}`],
          ['node-labels', data.nodeLabels]
        ],
        d.listArgs
      )
    ]
  ])
}

function apiEndpoint(d: Derived): JsonObject {
  return obj([['advertiseAddress', d.advertiseAddress], ['bindPort', API_SERVER_INTERNAL_PORT]])
}

function initConfiguration(data: KubeadmConfigData, d: Derived): JsonObject {
  return obj([
    ['apiVersion', d.apiVersion],
    ['kind', 'InitConfiguration'],
    ['metadata', METADATA()],
    ['bootstrapTokens', [obj([['token', KUBEADM_TOKEN]])]],
    ['localAPIEndpoint', apiEndpoint(d)],
    ['nodeRegistration', nodeRegistration(data, d)],
    ['skipPhases', d.skipPhases ? d.initSkipPhases : undefined]
  ])
}

function joinConfiguration(data: KubeadmConfigData, d: Derived): JsonObject {
  return obj([
    ['apiVersion', d.apiVersion],
    ['kind', 'JoinConfiguration'],
    ['metadata', METADATA()],
    ['controlPlane', data.controlPlane ? obj([['localAPIEndpoint', apiEndpoint(d)]]) : undefined],
    ['nodeRegistration', nodeRegistration(data, d)],
    [
      'discovery',
      obj([
        [
          'bootstrapToken',
          obj([
            ['apiServerEndpoint', data.controlPlaneEndpoint],
            ['token', KUBEADM_TOKEN],
            ['unsafeSkipCAVerification', true]
          ])
        ]
      ])
    ],
    ['skipPhases', d.skipPhases ? ['preflight'] : undefined]
  ])
}

function gatesValue(d: Derived): JsonObject | undefined {
  const names = sortedKeys(d.featureGates)
  return names.length > 0 ? obj(names.map((n) => [n, d.featureGates[n] as boolean])) : undefined
}

function kubeletConfiguration(d: Derived): JsonObject {
  return obj([
    ['apiVersion', 'kubelet.config.k8s.io/v1beta1'],
    ['kind', 'KubeletConfiguration'],
    ['metadata', METADATA()],
    ['cgroupDriver', d.cgroupDriver],
    ['cgroupRoot', '/kubelet'],
    ['failSwapOn', false],
    ['address', d.ipv6 ? '::' : undefined],
    ['healthzBindAddress', d.ipv6 ? '::' : undefined],
    // The kubelet would see the host's disk and try to free space on it; kind turns that off.
    ['imageGCHighThresholdPercent', 100],
    [
      'evictionHard',
      obj([
        ['nodefs.available', '0%'],
        ['nodefs.inodesFree', '0%'],
        ['imagefs.available', '0%']
      ])
    ],
    ['featureGates', gatesValue(d)]
  ])
}

function kubeProxyConfiguration(data: KubeadmConfigData, d: Derived): JsonObject {
  return obj([
    ['apiVersion', 'kubeproxy.config.k8s.io/v1alpha1'],
    ['kind', 'KubeProxyConfiguration'],
    ['metadata', METADATA()],
    ['mode', data.kubeProxyMode],
    ['featureGates', gatesValue(d)],
    ['iptables', obj([['minSyncPeriod', '1s']])],
    [
      'conntrack',
      obj([
        // Leaves the host-wide nf_conntrack_max alone.
        ['maxPerCore', 0],
        ['tcpBeLiberal', data.kubeProxyMode === 'nftables' && !data.rootless ? true : undefined],
        ['tcpEstablishedTimeout', data.rootless ? '0s' : undefined],
        ['tcpCloseWaitTimeout', data.rootless ? '0s' : undefined]
      ])
    ]
  ])
}

/** The documents of kind's template, including the `metadata.name: config` used for matching. */
export function kubeadmConfigDocuments(data: KubeadmConfigData): JsonObject[] {
  const d = derive(data)
  const docs = [clusterConfiguration(data, d), initConfiguration(data, d), joinConfiguration(data, d), kubeletConfiguration(d)]
  if (data.kubeProxyMode !== 'none') docs.push(kubeProxyConfiguration(data, d))
  return docs
}

/** The rendered template before patching, as the input of kind's patch pipeline. */
export function renderKubeadmTemplate(data: KubeadmConfigData): string {
  return kubeadmConfigDocuments(data)
    .map((doc) => encodeYAML(doc))
    .join('---\n')
}

const NO_PATCHES: KubeadmPatchSources = {
  cluster: { kubeadmConfigPatches: [], kubeadmConfigPatchesJSON6902: [] }
}

/** The exact contents of /kind/kubeadm.conf for one node. */
export function renderKubeadmConfig(data: KubeadmConfigData, patches: KubeadmPatchSources = NO_PATCHES): string {
  return patchKubeadmConfig(renderKubeadmTemplate(data), patches)
}

/** /kind/kubeadm.conf for `node` (an element of `cluster.nodes`), with the cluster's and the node's patches. */
export function kubeadmConfigForNode(
  cluster: Cluster,
  node: Node,
  nodeName: string,
  ips: NodeIPs,
  kubernetesVersion: string,
  controlPlaneEndpoint: string,
  options: { rootless?: boolean } = {}
): string {
  const data = kubeadmDataForNode(cluster, node, nodeName, ips, kubernetesVersion, controlPlaneEndpoint, options)
  const index = cluster.nodes.indexOf(node)
  return renderKubeadmConfig(data, {
    cluster,
    node,
    nodeLabel: index >= 0 ? `nodes[${index}]` : `node ${nodeName}`
  })
}
