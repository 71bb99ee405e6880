// Cluster configurations whose rendered files are kept as golden files. The same list drives the
// regeneration from kind's own code (regenerate-goldens.test.ts), so inputs and goldens cannot drift.

import type { Cluster, IPFamily, Node, PatchJSON6902 } from '../../../src/config/types.js'
import type { NodeIPs } from '../../../src/kubeadm/render.js'
import { node } from '../../helpers/cluster.js'

type NodeSpec = Partial<Node> & Pick<Node, 'role'>

export interface ClusterSpec {
  name?: string
  ipFamily?: IPFamily
  nodes?: NodeSpec[]
  networking?: Partial<Cluster['networking']>
  featureGates?: Record<string, boolean>
  runtimeConfig?: Record<string, string>
  kubeadmConfigPatches?: string[]
  kubeadmConfigPatchesJSON6902?: PatchJSON6902[]
}

const FAMILY_DEFAULTS: Record<IPFamily, Pick<Cluster['networking'], 'apiServerAddress' | 'podSubnet' | 'serviceSubnet'>> = {
  ipv4: { apiServerAddress: '127.0.0.1', podSubnet: '10.244.0.0/16', serviceSubnet: '10.96.0.0/16' },
  ipv6: { apiServerAddress: '::1', podSubnet: 'fd00:10:244::/56', serviceSubnet: 'fd00:10:96::/112' },
  dual: {
    apiServerAddress: '127.0.0.1',
    podSubnet: '10.244.0.0/16,fd00:10:244::/56',
    serviceSubnet: '10.96.0.0/16,fd00:10:96::/112'
  }
}

/** A Cluster with kind's defaults, as the config package would produce it. */
export function makeCluster(spec: ClusterSpec = {}): Cluster {
  const ipFamily = spec.ipFamily ?? 'ipv4'
  return {
    name: spec.name ?? 'kind',
    nodes: (spec.nodes ?? [{ role: 'control-plane' }]).map(n => node(n.role, n)),
    networking: {
      ipFamily,
      apiServerPort: 0,
      ...FAMILY_DEFAULTS[ipFamily],
      disableDefaultCNI: false,
      kubeProxyMode: 'iptables',
      ...spec.networking
    },
    featureGates: spec.featureGates ?? {},
    runtimeConfig: spec.runtimeConfig ?? {},
    kubeadmConfigPatches: spec.kubeadmConfigPatches ?? [],
    kubeadmConfigPatchesJSON6902: spec.kubeadmConfigPatchesJSON6902 ?? [],
    containerdConfigPatches: [],
    containerdConfigPatchesJSON6902: []
  }
}

export interface KubeadmScenario {
  /** Golden file name under __tests__/fixtures/kubeadm. */
  golden: string
  cluster: Cluster
  nodeIndex: number
  nodeName: string
  ips: NodeIPs
  kubernetesVersion: string
  controlPlaneEndpoint: string
}

const HA_NODES: NodeSpec[] = [
  { role: 'control-plane' },
  { role: 'control-plane' },
  { role: 'control-plane' },
  // One label only: kind joins several in Go map order, which varies from run to run.
  { role: 'worker', labels: { 'ingress-ready': 'true' } },
  { role: 'worker' }
]

const ULA = 'fc00:f853:ccd:e793'

const PATCHED = makeCluster({
  nodes: [
    {
      role: 'control-plane',
      kubeadmConfigPatches: [
        'kind: InitConfiguration\nnodeRegistration:\n  kubeletExtraArgs:\n    node-labels: "ingress-ready=true"\n'
      ],
      kubeadmConfigPatchesJSON6902: [
        {
          group: 'kubeadm.k8s.io',
          version: 'v1beta3',
          kind: 'ClusterConfiguration',
          patch: '- op: add\n  path: /apiServer/certSANs/-\n  value: node-level.example\n'
        }
      ]
    }
  ],
  kubeadmConfigPatches: [
    [
      'kind: ClusterConfiguration',
      'apiServer:',
      '  certSANs: [my-cluster.example, localhost]',
      '  extraArgs:',
      '    enable-admission-plugins: NodeRestriction,MutatingAdmissionWebhook',
      'etcd:',
      '  local:',
      '    dataDir: /tmp/etcd',
      '---',
      'apiVersion: kubeadm.k8s.io/v1beta2',
      'kind: ClusterConfiguration',
      'networking:',
      '  dnsDomain: never.applied',
      ''
    ].join('\n'),
    'kind: KubeletConfiguration\nevictionHard:\n  nodefs.available: null\nmaxPods: 150\nsystemReserved: {cpu: 100m, memory: 100Mi}\n'
  ],
  kubeadmConfigPatchesJSON6902: [
    {
      group: 'kubeproxy.config.k8s.io',
      version: 'v1alpha1',
      kind: 'KubeProxyConfiguration',
      patch: '- op: replace\n  path: /mode\n  value: ipvs\n- op: add\n  path: /ipvs\n  value: {strictARP: true}\n'
    },
    {
      group: '',
      version: '',
      kind: 'KubeletConfiguration',
      patch: '[{"op": "test", "path": "/failSwapOn", "value": false}, {"op": "remove", "path": "/cgroupRoot"}]'
    }
  ]
})

const V1BETA4_PATCHED = makeCluster({
  kubeadmConfigPatches: [
    // Map-form extraArgs without apiVersion are converted for v1beta4; certSANs are added to kind's.
    'kind: ClusterConfiguration\napiServer:\n  certSANs: [api.example]\n  extraArgs:\n    audit-log-maxage: "7"\n    runtime-config: api/all=true\n',
    'apiVersion: kubeadm.k8s.io/v1beta4\nkind: InitConfiguration\nnodeRegistration:\n  kubeletExtraArgs:\n  - name: node-labels\n    value: ingress-ready=true\n  - name: max-pods\n    value: "200"\n',
    // Pinned to v1beta3: matches nothing on a 1.36 node.
    'apiVersion: kubeadm.k8s.io/v1beta3\nkind: ClusterConfiguration\nnetworking:\n  dnsDomain: never.applied\n',
    'kind: ClusterConfiguration\ncontrollerManager:\n  extraArgs:\n  - name: enable-hostpath-provisioner\n    value: null\n'
  ]
})

export const kubeadmScenarios: KubeadmScenario[] = [
  {
    golden: 'single-node-ipv4.yaml',
    cluster: makeCluster(),
    nodeIndex: 0,
    nodeName: 'kind-control-plane',
    ips: { ipv4: '172.18.0.2', ipv6: '' },
    kubernetesVersion: 'v1.34.4',
    controlPlaneEndpoint: 'kind-control-plane:6443'
  },
  {
    golden: 'ha-control-plane2.yaml',
    cluster: makeCluster({ nodes: HA_NODES }),
    nodeIndex: 1,
    nodeName: 'kind-control-plane2',
    ips: { ipv4: '172.18.0.4', ipv6: '' },
    kubernetesVersion: 'v1.34.4',
    controlPlaneEndpoint: 'kind-external-load-balancer:6443'
  },
  {
    golden: 'ha-worker.yaml',
    cluster: makeCluster({ nodes: HA_NODES }),
    nodeIndex: 3,
    nodeName: 'kind-worker',
    ips: { ipv4: '172.18.0.6', ipv6: '' },
    kubernetesVersion: 'v1.34.4',
    controlPlaneEndpoint: 'kind-external-load-balancer:6443'
  },
  {
    golden: 'single-node-ipv6.yaml',
    cluster: makeCluster({ ipFamily: 'ipv6' }),
    nodeIndex: 0,
    nodeName: 'kind-control-plane',
    ips: { ipv4: '172.18.0.2', ipv6: `${ULA}::2` },
    kubernetesVersion: 'v1.34.4',
    controlPlaneEndpoint: 'kind-control-plane:6443'
  },
  {
    golden: 'dual-stack-worker.yaml',
    cluster: makeCluster({ ipFamily: 'dual', nodes: [{ role: 'control-plane' }, { role: 'worker' }] }),
    nodeIndex: 1,
    nodeName: 'kind-worker',
    ips: { ipv4: '172.18.0.3', ipv6: `${ULA}::3` },
    kubernetesVersion: 'v1.34.4',
    controlPlaneEndpoint: 'kind-control-plane:6443'
  },
  {
    golden: 'gates-runtime-config-no-kube-proxy.yaml',
    cluster: makeCluster({
      name: 'features',
      featureGates: { InPlacePodVerticalScaling: true, AllAlpha: false, ContextualLogging: true },
      runtimeConfig: { 'api/alpha': 'true', 'resource.k8s.io/v1beta1': 'true' },
      networking: { kubeProxyMode: 'none' }
    }),
    nodeIndex: 0,
    nodeName: 'features-control-plane',
    ips: { ipv4: '172.19.0.2', ipv6: '' },
    kubernetesVersion: 'v1.34.4',
    controlPlaneEndpoint: 'features-control-plane:6443'
  },
  {
    golden: 'patches-cluster-and-node.yaml',
    cluster: PATCHED,
    nodeIndex: 0,
    nodeName: 'kind-control-plane',
    ips: { ipv4: '172.18.0.2', ipv6: '' },
    kubernetesVersion: 'v1.34.4',
    controlPlaneEndpoint: 'kind-control-plane:6443'
  },
  {
    golden: 'v1beta4-single-node.yaml',
    cluster: makeCluster(),
    nodeIndex: 0,
    nodeName: 'kind-control-plane',
    ips: { ipv4: '172.18.0.2', ipv6: '' },
    kubernetesVersion: 'v1.36.1',
    controlPlaneEndpoint: 'kind-control-plane:6443'
  },
  {
    golden: 'v1beta4-ipv6-nftables-gates.yaml',
    cluster: makeCluster({
      ipFamily: 'ipv6',
      featureGates: { ContextualLogging: false },
      runtimeConfig: { 'api/all': 'true' },
      networking: { kubeProxyMode: 'nftables' },
      nodes: [{ role: 'control-plane' }, { role: 'worker', labels: { a: 'b' } }]
    }),
    nodeIndex: 1,
    nodeName: 'kind-worker',
    ips: { ipv4: '172.18.0.3', ipv6: `${ULA}::3` },
    kubernetesVersion: 'v1.36.1',
    controlPlaneEndpoint: 'kind-control-plane:6443'
  },
  {
    golden: 'v1beta4-patches.yaml',
    cluster: V1BETA4_PATCHED,
    nodeIndex: 0,
    nodeName: 'kind-control-plane',
    ips: { ipv4: '172.18.0.2', ipv6: '' },
    kubernetesVersion: 'v1.36.1',
    controlPlaneEndpoint: 'kind-control-plane:6443'
  }
]

export interface HaproxyScenario {
  golden: string
  controlPlanes: string[]
  ipFamily: IPFamily
}

export const haproxyScenarios: HaproxyScenario[] = [
  {
    golden: 'haproxy-ipv4.cfg',
    controlPlanes: ['kind-control-plane3', 'kind-control-plane', 'kind-control-plane2'],
    ipFamily: 'ipv4'
  },
  { golden: 'haproxy-ipv6.cfg', controlPlanes: ['v6-control-plane2', 'v6-control-plane'], ipFamily: 'ipv6' },
  { golden: 'haproxy-dual.cfg', controlPlanes: ['d-control-plane', 'd-control-plane2'], ipFamily: 'dual' }
]

export interface CNIScenario {
  golden: string
  manifest: string
  podSubnet: string
  controlPlaneEndpoint: string
}

export const cniScenarios: CNIScenario[] = [
  {
    golden: 'cni-ipv4.yaml',
    manifest: 'default-cni.yaml',
    podSubnet: '10.244.0.0/16',
    controlPlaneEndpoint: 'kind-control-plane:6443'
  },
  {
    golden: 'cni-dual-ha.yaml',
    manifest: 'default-cni.yaml',
    podSubnet: '10.244.0.0/16,fd00:10:244::/56',
    controlPlaneEndpoint: 'kind-external-load-balancer:6443'
  }
]
