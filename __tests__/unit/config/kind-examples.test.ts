// The example configs of kind's documentation and of its own decoding tests, through the whole
// pipeline (parse, defaults, validation), with the Cluster each one must give.

import { describe, expect, it } from 'vitest'
import { loadClusterConfig } from '../../../src/config/load.js'
import type { Cluster, Node } from '../../../src/config/types.js'
import { DEFAULT_NETWORKING, cluster, node } from '../../helpers/cluster.js'
import { CERT_SAN_JSON6902, DUAL_STACK, KIND_HEADER, SINGLE_NODE } from '../../helpers/kind-configs.js'

const IMAGE = 'kindest/node:v1.33.1'
const CWD = '/home/runner/work/repo'

function load(yaml: string): Cluster {
  return loadClusterConfig(yaml, { defaultImage: IMAGE, cwd: CWD })
}

function plainNode(role: Node['role'], changes: Partial<Node> = {}): Node {
  return node(role, { image: IMAGE, ...changes })
}

function defaultCluster(changes: Partial<Cluster> = {}): Cluster {
  return cluster([plainNode('control-plane')], changes)
}

describe("kind's example configs", () => {
  it.each<[string, string, Cluster]>([
    ['the minimal config', SINGLE_NODE, defaultCluster()],
    ['a named cluster', `${KIND_HEADER}name: app-1-cluster\n`, defaultCluster({ name: 'app-1-cluster' })],
    [
      'HA: three control planes and three workers',
      `# technically valid, config file with a full ha cluster
kind: Cluster
apiVersion: kind.x-k8s.io/v1alpha4
nodes:
- role: control-plane
- role: control-plane
- role: control-plane
- role: worker
- role: worker
- role: worker`,
      defaultCluster({
        nodes: [
          plainNode('control-plane'),
          plainNode('control-plane'),
          plainNode('control-plane'),
          plainNode('worker'),
          plainNode('worker'),
          plainNode('worker')
        ]
      })
    ],
    [
      'extraMounts with every field',
      `${KIND_HEADER}nodes:
- role: control-plane
  # a mount from the host into the node
  extraMounts:
  - hostPath: /path/to/my/files
    containerPath: /files
  - hostPath: /path/to/my/other-files/
    containerPath: /other-files
    readOnly: true
    selinuxRelabel: false
    propagation: None
`,
      defaultCluster({
        nodes: [
          plainNode('control-plane', {
            extraMounts: [
              { hostPath: '/path/to/my/files', containerPath: '/files', readOnly: false, selinuxRelabel: false, propagation: 'None' },
              { hostPath: '/path/to/my/other-files/', containerPath: '/other-files', readOnly: true, selinuxRelabel: false, propagation: 'None' }
            ]
          })
        ]
      })
    ],
    [
      'extraPortMappings with a listen address',
      `${KIND_HEADER}nodes:
- role: control-plane
  extraPortMappings:
  - containerPort: 80
    hostPort: 80
    listenAddress: "127.0.0.1"
    protocol: TCP
`,
      defaultCluster({
        nodes: [plainNode('control-plane', { extraPortMappings: [{ containerPort: 80, hostPort: 80, listenAddress: '127.0.0.1', protocol: 'TCP' }] })]
      })
    ],
    [
      'ingress: node label patch and ports 80/443',
      `${KIND_HEADER}nodes:
- role: control-plane
  kubeadmConfigPatches:
  - |
    kind: InitConfiguration
    nodeRegistration:
      kubeletExtraArgs:
        node-labels: "ingress-ready=true"
  extraPortMappings:
  - containerPort: 80
    hostPort: 80
    protocol: TCP
  - containerPort: 443
    hostPort: 443
    protocol: TCP
`,
      defaultCluster({
        nodes: [
          plainNode('control-plane', {
            kubeadmConfigPatches: ['kind: InitConfiguration\nnodeRegistration:\n  kubeletExtraArgs:\n    node-labels: "ingress-ready=true"\n'],
            extraPortMappings: [
              { containerPort: 80, hostPort: 80, listenAddress: '0.0.0.0', protocol: 'TCP' },
              { containerPort: 443, hostPort: 443, listenAddress: '0.0.0.0', protocol: 'TCP' }
            ]
          })
        ]
      })
    ],
    [
      'kubeadm merge and JSON 6902 patches with three workers',
      `${KIND_HEADER}kubeadmConfigPatches:
- |
  apiVersion: kubelet.config.k8s.io/v1beta1
  kind: KubeletConfiguration
  evictionHard:
    nodefs.available: "0%"
${CERT_SAN_JSON6902}nodes:
- role: control-plane
- role: worker
- role: worker
- role: worker
`,
      defaultCluster({
        kubeadmConfigPatches: ['apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nevictionHard:\n  nodefs.available: "0%"\n'],
        kubeadmConfigPatchesJSON6902: [
          {
            group: 'kubeadm.k8s.io',
            version: 'v1beta3',
            kind: 'ClusterConfiguration',
            patch: '- op: add\n  path: /apiServer/certSANs/-\n  value: my-hostname\n'
          }
        ],
        nodes: [plainNode('control-plane'), plainNode('worker'), plainNode('worker'), plainNode('worker')]
      })
    ],
    [
      'a containerd registry mirror patch',
      `${KIND_HEADER}containerdConfigPatches:
- |-
  [plugins."io.containerd.grpc.v1.cri".registry]
    config_path = "/etc/containerd/certs.d"
`,
      defaultCluster({
        containerdConfigPatches: ['[plugins."io.containerd.grpc.v1.cri".registry]\n  config_path = "/etc/containerd/certs.d"']
      })
    ],
    [
      'per-node patches, with a control plane listed last',
      `${KIND_HEADER}nodes:
- role: control-plane
- role: worker
- role: worker
  kubeadmConfigPatches:
  - |
    kind: JoinConfiguration
    nodeRegistration:
      kubeletExtraArgs:
        node-labels: "my-label2=true"
- role: control-plane
  kubeadmConfigPatchesJSON6902:
  - group: kubelet.config.k8s.io
    version: v1beta1
    kind: KubeletConfiguration
    patch: |
      - op: add
        path: /authentication
        value: {"anonymous": {"enabled": true}}
`,
      defaultCluster({
        nodes: [
          plainNode('control-plane'),
          plainNode('worker'),
          plainNode('worker', {
            kubeadmConfigPatches: ['kind: JoinConfiguration\nnodeRegistration:\n  kubeletExtraArgs:\n    node-labels: "my-label2=true"\n']
          }),
          plainNode('control-plane', {
            kubeadmConfigPatchesJSON6902: [
              {
                group: 'kubelet.config.k8s.io',
                version: 'v1beta1',
                kind: 'KubeletConfiguration',
                patch: '- op: add\n  path: /authentication\n  value: {"anonymous": {"enabled": true}}\n'
              }
            ]
          })
        ]
      })
    ],
    [
      'node labels and per-node images',
      `${KIND_HEADER}nodes:
- role: control-plane
  image: kindest/node:v1.32.5
- role: worker
  extraPortMappings:
  - containerPort: 30950
    hostPort: 80
  labels:
    tier: frontend
- role: worker
  labels:
    tier: backend
`,
      defaultCluster({
        nodes: [
          plainNode('control-plane', { image: 'kindest/node:v1.32.5' }),
          plainNode('worker', {
            labels: { tier: 'frontend' },
            extraPortMappings: [{ containerPort: 30950, hostPort: 80, listenAddress: '0.0.0.0', protocol: 'TCP' }]
          }),
          plainNode('worker', { labels: { tier: 'backend' } })
        ]
      })
    ],
    [
      'dual stack',
      DUAL_STACK,
      defaultCluster({
        networking: {
          ...DEFAULT_NETWORKING,
          ipFamily: 'dual',
          podSubnet: '10.244.0.0/16,fd00:10:244::/56',
          serviceSubnet: '10.96.0.0/16,fd00:10:96::/112'
        }
      })
    ],
    [
      'IPv6 with the API server on IPv4 loopback',
      `${KIND_HEADER}networking:\n  ipFamily: ipv6\n  apiServerAddress: 127.0.0.1\n`,
      defaultCluster({
        networking: {
          ...DEFAULT_NETWORKING,
          ipFamily: 'ipv6',
          apiServerAddress: '127.0.0.1',
          podSubnet: 'fd00:10:244::/56',
          serviceSubnet: 'fd00:10:96::/112'
        }
      })
    ],
    [
      'networking knobs: fixed API server port, subnets, no CNI, nftables',
      `${KIND_HEADER}networking:
  apiServerAddress: "127.0.0.1"
  apiServerPort: 6443
  podSubnet: "10.244.0.0/16"
  serviceSubnet: "10.96.0.0/12"
  disableDefaultCNI: true
  kubeProxyMode: "nftables"
`,
      defaultCluster({
        networking: { ...DEFAULT_NETWORKING, apiServerPort: 6443, serviceSubnet: '10.96.0.0/12', disableDefaultCNI: true, kubeProxyMode: 'nftables' }
      })
    ],
    [
      'feature gates and runtime config',
      `${KIND_HEADER}featureGates:
  "CSIMigration": true
runtimeConfig:
  "api/alpha": "false"
  "apps/v1beta2": "true"
`,
      defaultCluster({ featureGates: { CSIMigration: true }, runtimeConfig: { 'api/alpha': 'false', 'apps/v1beta2': 'true' } })
    ],
    [
      "kind's valid-many-fields.yaml (IPv6: ports listen on ::)",
      `${KIND_HEADER}name: not-default
featureGates:
  AllBeta: false
networking:
  ipFamily: ipv6
nodes:
- role: control-plane
- role: worker
  extraMounts:
  - containerPath: /foo
    hostPath: /bar
    readOnly: true
    selinuxRelabel: false
    propagation: Bidirectional
  extraPortMappings:
  - containerPort: 8080
    hostPort: 8080
    protocol: UDP
`,
      defaultCluster({
        name: 'not-default',
        featureGates: { AllBeta: false },
        networking: {
          ...DEFAULT_NETWORKING,
          ipFamily: 'ipv6',
          apiServerAddress: '::1',
          podSubnet: 'fd00:10:244::/56',
          serviceSubnet: 'fd00:10:96::/112'
        },
        nodes: [
          plainNode('control-plane'),
          plainNode('worker', {
            extraMounts: [{ containerPath: '/foo', hostPath: '/bar', readOnly: true, selinuxRelabel: false, propagation: 'Bidirectional' }],
            extraPortMappings: [{ containerPort: 8080, hostPort: 8080, listenAddress: '::', protocol: 'UDP' }]
          })
        ]
      })
    ],
    [
      "kind's valid-port-and-mount.yaml (a relative hostPath)",
      `${KIND_HEADER}nodes:
- role: control-plane
  extraPortMappings:
  - hostPort: 80
    containerPort: 80
  extraMounts:
  - hostPath: ./foo
    containerPath: /bar
`,
      defaultCluster({
        nodes: [
          plainNode('control-plane', {
            extraPortMappings: [{ containerPort: 80, hostPort: 80, listenAddress: '0.0.0.0', protocol: 'TCP' }],
            extraMounts: [{ hostPath: `${CWD}/foo`, containerPath: '/bar', readOnly: false, selinuxRelabel: false, propagation: 'None' }]
          })
        ]
      })
    ]
  ])('%s', (_name, yaml, expected) => {
    expect(load(yaml)).toStrictEqual(expected)
  })
})
