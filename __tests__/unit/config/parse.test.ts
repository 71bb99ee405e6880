import { describe, expect, it } from 'vitest'
import { ConfigError } from '../../../src/config/errors.js'
import { parseClusterConfig } from '../../../src/config/parse.js'
import type { RawCluster } from '../../../src/config/types.js'
import { CERT_SAN_JSON6902, KIND_HEADER } from '../../helpers/kind-configs.js'

const HEADER = KIND_HEADER

function problemsOf(text: string, source = 'cluster.yaml'): readonly string[] {
  try {
    parseClusterConfig(text, source)
  } catch (error) {
    if (error instanceof ConfigError) return error.problems
    throw error
  }
  throw new Error('expected a ConfigError, but the config parsed')
}

describe('parseClusterConfig: what kind accepts', () => {
  it.each<[string, string, RawCluster]>([
    ['the bare header', HEADER, {}],
    ['the header in the other order', 'apiVersion: kind.x-k8s.io/v1alpha4\nkind: Cluster\n', {}],
    ['a flow mapping on one line', '{kind: Cluster, apiVersion: kind.x-k8s.io/v1alpha4, name: x}', { name: 'x' }],
    ['a leading document marker and comments', `# my cluster\n---\n${HEADER}# end\n`, {}],
    ['a trailing empty document', `${HEADER}name: a\n---\n`, { name: 'a' }],
    ['a document end marker', `${HEADER}name: a\n...\n`, { name: 'a' }],
    ['null values, which Go leaves unset', `${HEADER}name: ~\nnodes:\nnetworking: null\nfeatureGates:\n`, {}],
    ['an empty node list (kept; defaulting replaces it)', `${HEADER}nodes: []\n`, { nodes: [] }],
    ['a null node (a zero Node)', `${HEADER}nodes:\n- ~\n- role: worker\n`, { nodes: [{}, { role: 'worker' }] }],
    ['an empty role and image', `${HEADER}nodes:\n- role: ""\n  image: ""\n`, { nodes: [{ role: '', image: '' }] }],
    ['dnsSearch: [] (kept apart from unset)', `${HEADER}networking:\n  dnsSearch: []\n`, { networking: { dnsSearch: [] } }],
    ['dnsSearch: ~ (unset)', `${HEADER}networking:\n  dnsSearch: ~\n`, { networking: {} }],
    ['dnsSearch with domains', `${HEADER}networking:\n  dnsSearch: [a.example, b]\n`, { networking: { dnsSearch: ['a.example', 'b'] } }],
    [
      'scalars of any type in string fields, as their source text',
      `${HEADER}name: 123\nnodes:\n- labels: {tier: 1, gpu: true, version: 1.20, hex: 0x10, empty: ~, quoted: "yes"}\n`,
      { name: '123', nodes: [{ labels: { tier: '1', gpu: 'true', version: '1.20', hex: '0x10', empty: '', quoted: 'yes' } }] }
    ],
    [
      "YAML 1.1 words in bool fields, as yaml.v3 reads them",
      `${HEADER}networking:\n  disableDefaultCNI: yes\nfeatureGates: {A: on, B: Off, C: "no", D: true, E: FALSE}\nnodes:\n- extraMounts:\n  - readOnly: Y\n    selinuxRelabel: n\n`,
      {
        networking: { disableDefaultCNI: true },
        featureGates: { A: true, B: false, C: false, D: true, E: false },
        nodes: [{ extraMounts: [{ readOnly: true, selinuxRelabel: false }] }]
      }
    ],
    [
      'integers in other notations',
      `${HEADER}networking:\n  apiServerPort: 0x192b\nnodes:\n- extraPortMappings:\n  - containerPort: 80.0\n    hostPort: -1\n`,
      { networking: { apiServerPort: 6443 }, nodes: [{ extraPortMappings: [{ containerPort: 80, hostPort: -1 }] }] }
    ],
    [
      'protocols in any case, upper-cased',
      `${HEADER}nodes:\n- extraPortMappings:\n  - protocol: udp\n  - protocol: Sctp\n  - protocol: TCP\n  - protocol: ""\n`,
      { nodes: [{ extraPortMappings: [{ protocol: 'UDP' }, { protocol: 'SCTP' }, { protocol: 'TCP' }, {}] }] }
    ],
    [
      'each propagation mode, and an empty one as unset',
      `${HEADER}nodes:\n- extraMounts:\n  - propagation: None\n  - propagation: HostToContainer\n  - propagation: Bidirectional\n  - propagation: ""\n`,
      {
        nodes: [
          { extraMounts: [{ propagation: 'None' }, { propagation: 'HostToContainer' }, { propagation: 'Bidirectional' }, {}] }
        ]
      }
    ],
    [
      'anchors, aliases and merge keys (explicit keys win, earlier merges win)',
      `${HEADER}nodes:\n- &cp {role: control-plane, image: img:1, labels: &l {a: "1"}}\n- *cp\n- <<: [{role: worker, image: first}, {role: control-plane, image: second, labels: *l}]\n  image: own\n`,
      {
        nodes: [
          { role: 'control-plane', image: 'img:1', labels: { a: '1' } },
          { role: 'control-plane', image: 'img:1', labels: { a: '1' } },
          { role: 'worker', image: 'own', labels: { a: '1' } }
        ]
      }
    ],
    [
      'a quoted "<<" as an ordinary map key',
      `${HEADER}runtimeConfig:\n  "<<": x\n`,
      { runtimeConfig: { '<<': 'x' } }
    ]
  ])('%s', (_name, text, expected) => {
    expect(parseClusterConfig(text, 'c.yaml')).toStrictEqual(expected)
  })

  it('reads every v1alpha4 field with its exact name', () => {
    const text = `${HEADER}name: all-fields
featureGates:
  CSIMigration: true
runtimeConfig:
  "api/alpha": "false"
kubeadmConfigPatches:
- |
  kind: ClusterConfiguration
${CERT_SAN_JSON6902}containerdConfigPatches:
- |-
  [plugins."io.containerd.grpc.v1.cri".registry.mirrors."registry:5000"]
containerdConfigPatchesJSON6902:
- '[{"op": "remove", "path": "/version"}]'
networking:
  ipFamily: dual
  apiServerPort: 6443
  apiServerAddress: 127.0.0.1
  podSubnet: 10.244.0.0/16,fd00:10:244::/56
  serviceSubnet: 10.96.0.0/16,fd00:10:96::/112
  disableDefaultCNI: true
  kubeProxyMode: ipvs
  dnsSearch: [example.com]
nodes:
- role: control-plane
  image: kindest/node:v1.33.1
  labels:
    ingress-ready: "true"
  extraMounts:
  - containerPath: /files
    hostPath: /path/to/files
    readOnly: true
    selinuxRelabel: true
    propagation: HostToContainer
  extraPortMappings:
  - containerPort: 80
    hostPort: 8080
    listenAddress: 127.0.0.1
    protocol: TCP
  kubeadmConfigPatches:
  - |
    kind: InitConfiguration
  kubeadmConfigPatchesJSON6902:
  - group: kubelet.config.k8s.io
    version: v1beta1
    kind: KubeletConfiguration
    patch: '[]'
`
    expect(parseClusterConfig(text, 'c.yaml')).toStrictEqual({
      name: 'all-fields',
      featureGates: { CSIMigration: true },
      runtimeConfig: { 'api/alpha': 'false' },
      kubeadmConfigPatches: ['kind: ClusterConfiguration\n'],
      kubeadmConfigPatchesJSON6902: [
        {
          group: 'kubeadm.k8s.io',
          version: 'v1beta3',
          kind: 'ClusterConfiguration',
          patch: '- op: add\n  path: /apiServer/certSANs/-\n  value: my-hostname\n'
        }
      ],
      containerdConfigPatches: ['[plugins."io.containerd.grpc.v1.cri".registry.mirrors."registry:5000"]'],
      containerdConfigPatchesJSON6902: ['[{"op": "remove", "path": "/version"}]'],
      networking: {
        ipFamily: 'dual',
        apiServerPort: 6443,
        apiServerAddress: '127.0.0.1',
        podSubnet: '10.244.0.0/16,fd00:10:244::/56',
        serviceSubnet: '10.96.0.0/16,fd00:10:96::/112',
        disableDefaultCNI: true,
        kubeProxyMode: 'ipvs',
        dnsSearch: ['example.com']
      },
      nodes: [
        {
          role: 'control-plane',
          image: 'kindest/node:v1.33.1',
          labels: { 'ingress-ready': 'true' },
          extraMounts: [
            { containerPath: '/files', hostPath: '/path/to/files', readOnly: true, selinuxRelabel: true, propagation: 'HostToContainer' }
          ],
          extraPortMappings: [{ containerPort: 80, hostPort: 8080, listenAddress: '127.0.0.1', protocol: 'TCP' }],
          kubeadmConfigPatches: ['kind: InitConfiguration\n'],
          kubeadmConfigPatchesJSON6902: [
            { group: 'kubelet.config.k8s.io', version: 'v1beta1', kind: 'KubeletConfiguration', patch: '[]' }
          ]
        }
      ]
    })
  })

  it('keeps a "__proto__" label as an ordinary key', () => {
    const raw = parseClusterConfig(`${HEADER}nodes:\n- labels: {__proto__: x}\n`, 'c.yaml')
    const labels = raw.nodes?.[0]?.labels ?? {}
    expect(Object.keys(labels)).toEqual(['__proto__'])
    expect(Object.getPrototypeOf(labels)).toBe(Object.prototype)
  })
})

describe('parseClusterConfig: apiVersion and kind', () => {
  it.each<[string, string, string[]]>([
    ['apiVersion missing', 'kind: Cluster\nname: x\n', ['apiVersion: missing; use kind.x-k8s.io/v1alpha4']],
    ['kind missing', 'apiVersion: kind.x-k8s.io/v1alpha4\n', ['kind: missing; use Cluster']],
    [
      'an older apiVersion',
      'kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha3\nnodes: [{role: control-plane, replicas: 3}]\n',
      ['apiVersion: unknown apiVersion "kind.x-k8s.io/v1alpha3"; use kind.x-k8s.io/v1alpha4']
    ],
    [
      'another kind',
      'kind: Config\napiVersion: kind.x-k8s.io/v1alpha4\n',
      ['kind: unknown kind "Config"; use Cluster']
    ],
    [
      'both wrong (reported together)',
      'kind: Pod\napiVersion: v1\n',
      ['apiVersion: unknown apiVersion "v1"; use kind.x-k8s.io/v1alpha4', 'kind: unknown kind "Pod"; use Cluster']
    ],
    ['a lower-case kind', 'kind: cluster\napiVersion: kind.x-k8s.io/v1alpha4\n', ['kind: unknown kind "cluster"; use Cluster']],
    ['a list as apiVersion', 'kind: Cluster\napiVersion: [a]\n', ['apiVersion: expected a string, got a list']],
    ['a null apiVersion', 'kind: Cluster\napiVersion: ~\n', ['apiVersion: missing; use kind.x-k8s.io/v1alpha4']]
  ])('%s', (_name, text, problems) => {
    expect(problemsOf(text)).toEqual(problems)
  })
})

describe('parseClusterConfig: strict decoding (unknown fields)', () => {
  it.each<[string, string, string[]]>([
    ['at the top', `${HEADER}nodess: []\n`, ['nodess: unknown field (did you mean nodes?)']],
    ['at the top, no close name', `${HEADER}replicas: 3\n`, ['replicas: unknown field']],
    ['in networking, wrong case', `${HEADER}networking:\n  ipfamily: dual\n`, ['networking.ipfamily: unknown field (did you mean ipFamily?)']],
    ['in a node', `${HEADER}nodes:\n- role: worker\n  imge: x\n`, ['nodes[0].imge: unknown field (did you mean image?)']],
    [
      'in a mount of the second node',
      `${HEADER}nodes:\n- role: control-plane\n- role: worker\n  extraMounts:\n  - hostpath: /a\n    containerPath: /b\n`,
      ['nodes[1].extraMounts[0].hostpath: unknown field (did you mean hostPath?)']
    ],
    [
      "in a port mapping (kind's invalid-bogus-field.yaml)",
      `${HEADER}networking:\n  ipFamily: ipv6\nnodes:\n- role: control-plane\n- role: worker\n  extraPortMappings:\n  - containerPort: 8080\n    hostPort: 8080\n    protocol: UDP\n    nOtAReaLFielD: bar\n`,
      ['nodes[1].extraPortMappings[0].nOtAReaLFielD: unknown field']
    ],
    [
      'name and namespace in a JSON 6902 patch (not in v1alpha4)',
      `${HEADER}kubeadmConfigPatchesJSON6902:\n- group: kubeadm.k8s.io\n  version: v1beta3\n  kind: ClusterConfiguration\n  name: config\n  namespace: x\n  patch: '[]'\n`,
      ['kubeadmConfigPatchesJSON6902[0].name: unknown field', 'kubeadmConfigPatchesJSON6902[0].namespace: unknown field']
    ],
    [
      'in a node JSON 6902 patch',
      `${HEADER}nodes:\n- kubeadmConfigPatchesJSON6902:\n  - {group: a, version: b, kind: c, patch: d, Patch: e}\n`,
      ['nodes[0].kubeadmConfigPatchesJSON6902[0].Patch: unknown field (did you mean patch?)']
    ],
    [
      'a plural slip',
      `${HEADER}nodes:\n- extraPortMapping: []\n`,
      ['nodes[0].extraPortMapping: unknown field (did you mean extraPortMappings?)']
    ],
    [
      'a JSON6902 spelling slip',
      `${HEADER}kubeadmConfigPatchesJson6902: []\n`,
      ['kubeadmConfigPatchesJson6902: unknown field (did you mean kubeadmConfigPatchesJSON6902?)']
    ],
    [
      'a merged-in unknown field',
      `${HEADER}nodes:\n- <<: {role: worker, replicas: 2}\n`,
      ['nodes[0].replicas: unknown field']
    ]
  ])('%s', (_name, text, problems) => {
    expect(problemsOf(text)).toEqual(problems)
  })
})

describe('parseClusterConfig: types', () => {
  it.each<[string, string, string[]]>([
    ['a list as name', `${HEADER}name: [a]\n`, ['name: expected a string, got a list']],
    ['a mapping as nodes', `${HEADER}nodes: {role: worker}\n`, ['nodes: expected a list, got a mapping']],
    ['a string as nodes', `${HEADER}nodes: worker\n`, ['nodes: expected a list, got string "worker"']],
    ['a string as a node', `${HEADER}nodes:\n- worker\n`, ['nodes[0]: expected a mapping, got string "worker"']],
    ['a list as networking', `${HEADER}networking: []\n`, ['networking: expected a mapping, got a list']],
    ['a quoted port', `${HEADER}networking:\n  apiServerPort: "6443"\n`, ['networking.apiServerPort: expected an integer, got string "6443"']],
    ['a fractional port', `${HEADER}nodes:\n- extraPortMappings:\n  - hostPort: 80.5\n`, ['nodes[0].extraPortMappings[0].hostPort: expected an integer, got number 80.5']],
    [
      'a port beyond int32',
      `${HEADER}nodes:\n- extraPortMappings:\n  - containerPort: 99999999999\n`,
      ['nodes[0].extraPortMappings[0].containerPort: 99999999999 does not fit in a 32-bit integer']
    ],
    ['a boolean as port', `${HEADER}networking:\n  apiServerPort: true\n`, ['networking.apiServerPort: expected an integer, got boolean true']],
    ['a quoted "true" as bool', `${HEADER}nodes:\n- extraMounts:\n  - readOnly: "true"\n`, ['nodes[0].extraMounts[0].readOnly: expected true or false, got string "true"']],
    ['a number as bool', `${HEADER}featureGates:\n  Foo: 1\n`, ['featureGates["Foo"]: expected true or false, got number 1']],
    ['a list as featureGates', `${HEADER}featureGates: [Foo]\n`, ['featureGates: expected a mapping, got a list']],
    ['a list as a label value', `${HEADER}nodes:\n- labels:\n    a.b/c: [x]\n`, ['nodes[0].labels["a.b/c"]: expected a string, got a list']],
    ['a string as patches', `${HEADER}kubeadmConfigPatches: "kind: X"\n`, ['kubeadmConfigPatches: expected a list, got string "kind: X"']],
    ['a mapping as a patch', `${HEADER}containerdConfigPatches:\n- {a: b}\n`, ['containerdConfigPatches[0]: expected a string, got a mapping']],
    ['a string as dnsSearch', `${HEADER}networking:\n  dnsSearch: example.com\n`, ['networking.dnsSearch: expected a list, got string "example.com"']],
    ['a list as a key', `${HEADER}runtimeConfig:\n  ? [a]\n  : b\n`, ['runtimeConfig: keys must be strings, got a list']],
    [
      'an unknown protocol',
      `${HEADER}nodes:\n- extraPortMappings:\n  - protocol: icmp\n`,
      ['nodes[0].extraPortMappings[0].protocol: "icmp" is not a protocol; use TCP, UDP or SCTP']
    ],
    [
      'a propagation in the wrong case',
      `${HEADER}nodes:\n- extraMounts:\n  - propagation: bidirectional\n`,
      ['nodes[0].extraMounts[0].propagation: "bidirectional" is not a mount propagation; use None, HostToContainer or Bidirectional']
    ],
    [
      "a Docker propagation name (kind's names only)",
      `${HEADER}nodes:\n- extraMounts:\n  - propagation: rshared\n`,
      ['nodes[0].extraMounts[0].propagation: "rshared" is not a mount propagation; use None, HostToContainer or Bidirectional']
    ],
    ['an alias to no anchor', `${HEADER}name: *nope\n`, ['name: alias *nope refers to no anchor defined before it']],
    [
      'a merge key with a scalar',
      `${HEADER}nodes:\n- <<: worker\n`,
      ['nodes[0].<<: a merge key (<<) takes a mapping or a list of mappings, got string "worker"']
    ]
  ])('%s', (_name, text, problems) => {
    expect(problemsOf(text)).toEqual(problems)
  })

  it('reports every problem of the document at once, in document order', () => {
    const text = `${HEADER}nodes:
- role: control-plane
- role: worker
  extraMounts:
  - hostpath: /a
    containerPath: [1]
    propagation: rshared
  extraPortMapping: []
networking: {ipfamily: dual, apiServerPort: "6443", disableDefaultCNI: maybe}
featureGates: {A: yes, B: 1}
`
    expect(problemsOf(text)).toEqual([
      'nodes[1].extraMounts[0].hostpath: unknown field (did you mean hostPath?)',
      'nodes[1].extraMounts[0].containerPath: expected a string, got a list',
      'nodes[1].extraMounts[0].propagation: "rshared" is not a mount propagation; use None, HostToContainer or Bidirectional',
      'nodes[1].extraPortMapping: unknown field (did you mean extraPortMappings?)',
      'networking.ipfamily: unknown field (did you mean ipFamily?)',
      'networking.apiServerPort: expected an integer, got string "6443"',
      'networking.disableDefaultCNI: expected true or false, got string "maybe"',
      'featureGates["B"]: expected true or false, got number 1'
    ])
  })

  it('throws a ConfigError whose message names the source on every line', () => {
    expect(() => parseClusterConfig(`${HEADER}nodess: []\nfoo: 1\n`, 'ci/kind.yaml')).toThrow(
      new ConfigError('ci/kind.yaml', ['nodess: unknown field (did you mean nodes?)', 'foo: unknown field'])
    )
    try {
      parseClusterConfig(`${HEADER}nodess: []\nfoo: 1\n`, 'ci/kind.yaml')
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError)
      expect((error as ConfigError).message).toBe(
        'ci/kind.yaml: nodess: unknown field (did you mean nodes?)\nci/kind.yaml: foo: unknown field'
      )
      expect((error as ConfigError).source).toBe('ci/kind.yaml')
    }
  })
})

describe('parseClusterConfig: documents and syntax', () => {
  it.each<[string, string, string[]]>([
    ['an empty text', '', ['no config found; expected a Cluster with apiVersion kind.x-k8s.io/v1alpha4']],
    ['only comments', '# nothing here\n', ['no config found; expected a Cluster with apiVersion kind.x-k8s.io/v1alpha4']],
    ['only a document marker', '---\n', ['no config found; expected a Cluster with apiVersion kind.x-k8s.io/v1alpha4']],
    ['two documents', `${HEADER}---\n${HEADER}`, ['found 2 YAML documents; a cluster config is one document']],
    ['a list at the top', '- a\n- b\n', ['expected a mapping (a kind Cluster), got a list']],
    ['a scalar at the top', 'hello\n', ['expected a mapping (a kind Cluster), got plain text (5 characters)']],
    ['nesting thousands deep', `${HEADER}x: ${'['.repeat(5000)}${']'.repeat(5000)}\n`, ['nested too deeply to read (thousands of levels of lists or mappings); a kind config is a few levels deep']],
    ['a duplicate key', `${HEADER}name: a\nname: b\n`, ['line 4, column 1: Map keys must be unique']],
    ['a tab as indentation', `${HEADER}nodes:\n- role: control-plane\n\t- role: worker\n`, ['line 5, column 1: Tabs are not allowed as indentation']],
    [
      "bad indentation (kind's invalid-bad-indent.yaml)",
      `${HEADER}nodes:\n- role: control-plane\n- role: worker\n  image: x\n image: y\n`,
      ['line 7, column 1: Sequence item without - indicator']
    ],
    ['an unterminated quote (the parser points at the end)', `${HEADER}name: "abc\n`, ['line 4, column 1: Missing closing "quote']]
  ])('%s', (_name, text, problems) => {
    expect(problemsOf(text)).toEqual(problems)
  })
})
