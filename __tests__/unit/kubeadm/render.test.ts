import { describe, expect, it } from 'vitest'
import { readmeSlowHostBlock } from '../../helpers/kind-configs.js'
import YAML from 'yaml'
import {
  kubeadmAPIVersion,
  kubeadmConfigForNode,
  kubeadmDataForNode,
  KubeadmConfigError,
  kubeletCgroupDriver,
  nodeAddressFor,
  renderKubeadmConfig,
  type KubeadmConfigData
} from '../../../src/kubeadm/render.js'
import { Version } from '../../../src/kubeadm/version.js'
import { expectGolden } from './golden.js'
import { kubeadmScenarios, makeCluster } from './scenarios.js'

function baseData(overrides: Partial<KubeadmConfigData> = {}): KubeadmConfigData {
  return {
    clusterName: 'kind',
    kubernetesVersion: 'v1.34.4',
    controlPlaneEndpoint: 'kind-control-plane:6443',
    apiServerAddress: '127.0.0.1',
    podSubnet: '10.244.0.0/16',
    serviceSubnet: '10.96.0.0/16',
    kubeProxyMode: 'iptables',
    ipFamily: 'ipv4',
    featureGates: {},
    runtimeConfig: {},
    nodeName: 'kind-control-plane',
    nodeAddress: '172.18.0.2',
    nodeLabels: '',
    controlPlane: true,
    rootless: false,
    ...overrides
  }
}

describe('kubeadm config goldens (rendered by kind v0.32.0 itself)', () => {
  it.each(kubeadmScenarios.map((s) => [s.golden, s] as const))('%s', (_name, s) => {
    const node = s.cluster.nodes[s.nodeIndex]
    if (!node) throw new Error('bad scenario')
    const actual = kubeadmConfigForNode(s.cluster, node, s.nodeName, s.ips, s.kubernetesVersion, s.controlPlaneEndpoint)
    // Node addresses are normalised so that goldens captured from a real cluster can be dropped in;
    // the addresses themselves are checked by the tests below.
    expectGolden(actual, s.golden, { nodeAddresses: true })
  })

  it('the comparison is exact apart from node addresses', () => {
    const s = kubeadmScenarios[0]
    const node = s?.cluster.nodes[0]
    if (!s || !node) throw new Error('bad scenario')
    const actual = kubeadmConfigForNode(s.cluster, node, s.nodeName, s.ips, s.kubernetesVersion, s.controlPlaneEndpoint)
    expectGolden(actual, s.golden)
    expect(() => expectGolden(actual.replace('failSwapOn: false', 'failSwapOn: "false"'), s.golden)).toThrow()
    expect(() => expectGolden(`${actual}\n`, s.golden, { nodeAddresses: true })).toThrow()
  })
})

describe('renderKubeadmConfig', () => {
  it('matches the documented single-node file (§4.8) for v1.34.4', () => {
    expect(renderKubeadmConfig(baseData())).toBe(`apiServer:
  certSANs:
  - localhost
  - 127.0.0.1
  extraArgs:
    runtime-config: ""
apiVersion: kubeadm.k8s.io/v1beta3
clusterName: kind
controlPlaneEndpoint: kind-control-plane:6443
controllerManager:
  extraArgs:
    enable-hostpath-provisioner: "true"
kind: ClusterConfiguration
kubernetesVersion: v1.34.4
networking:
  podSubnet: 10.244.0.0/16
  serviceSubnet: 10.96.0.0/16
scheduler:
  extraArgs: null
---
apiVersion: kubeadm.k8s.io/v1beta3
bootstrapTokens:
- token: abcdef.0123456789abcdef
kind: InitConfiguration
localAPIEndpoint:
  advertiseAddress: 172.18.0.2
  bindPort: 6443
nodeRegistration:
  criSocket: unix:///run/containerd/containerd.sock
  kubeletExtraArgs:
    node-ip: 172.18.0.2
    node-labels: ""
    provider-id: kind://docker/kind/kind-control-plane
skipPhases:
- preflight
---
apiVersion: kubeadm.k8s.io/v1beta3
controlPlane:
  localAPIEndpoint:
    advertiseAddress: 172.18.0.2
    bindPort: 6443
discovery:
  bootstrapToken:
    apiServerEndpoint: kind-control-plane:6443
    token: abcdef.0123456789abcdef
    unsafeSkipCAVerification: true
kind: JoinConfiguration
nodeRegistration:
  criSocket: unix:///run/containerd/containerd.sock
  kubeletExtraArgs:
    node-ip: 172.18.0.2
    node-labels: ""
    provider-id: kind://docker/kind/kind-control-plane
skipPhases:
- preflight
---
apiVersion: kubelet.config.k8s.io/v1beta1
cgroupDriver: systemd
cgroupRoot: /kubelet
evictionHard:
  imagefs.available: 0%
  nodefs.available: 0%
  nodefs.inodesFree: 0%
failSwapOn: false
imageGCHighThresholdPercent: 100
kind: KubeletConfiguration
---
apiVersion: kubeproxy.config.k8s.io/v1alpha1
conntrack:
  maxPerCore: 0
iptables:
  minSyncPeriod: 1s
kind: KubeProxyConfiguration
mode: iptables
`)
  })

  it('writes v1beta4 argument lists from 1.36 on', () => {
    const out = renderKubeadmConfig(baseData({ kubernetesVersion: 'v1.36.1', featureGates: { B: false, A: true } }))
    expect(out).toContain(
      'apiServer:\n  certSANs:\n  - localhost\n  - 127.0.0.1\n  extraArgs:\n  - name: runtime-config\n    value: ""\n  - name: feature-gates\n    value: A=true,B=false\napiVersion: kubeadm.k8s.io/v1beta4\n'
    )
    expect(out).toContain(
      'controllerManager:\n  extraArgs:\n  - name: feature-gates\n    value: A=true,B=false\n  - name: enable-hostpath-provisioner\n    value: "true"\n'
    )
    expect(out).toContain('scheduler:\n  extraArgs:\n  - name: feature-gates\n    value: A=true,B=false\n---\n')
    expect(out).toContain(
      '  kubeletExtraArgs:\n  - name: node-ip\n    value: 172.18.0.2\n  - name: provider-id\n    value: kind://docker/kind/kind-control-plane\n  - name: node-labels\n    value: ""\n'
    )
    expect(out).toContain('featureGates:\n  A: true\n  B: false\n')
  })

  it('adds the IPv6 bind addresses only for ipv6 (not dual)', () => {
    const v6 = renderKubeadmConfig(
      baseData({ ipFamily: 'ipv6', nodeAddress: 'fc00:f853:ccd:e793::2', apiServerAddress: '::1' })
    )
    expect(v6).toContain("    bind-address: '::'\n")
    expect(v6).toContain('scheduler:\n  extraArgs:\n    bind-address: ::1\n')
    expect(v6).toContain("address: '::'\n")
    expect(v6).toContain("healthzBindAddress: '::'\n")
    expect(v6).toContain('  advertiseAddress: fc00:f853:ccd:e793::2\n')
    const dual = renderKubeadmConfig(baseData({ ipFamily: 'dual', nodeAddress: '172.18.0.2,fc00:f853:ccd:e793::2' }))
    expect(dual).not.toContain('bind-address')
    expect(dual).toContain('  advertiseAddress: 172.18.0.2\n')
    expect(dual).toContain('    node-ip: 172.18.0.2,fc00:f853:ccd:e793::2\n')
  })

  it('skips the kube-proxy addon and omits its configuration with kubeProxyMode none', () => {
    const out = renderKubeadmConfig(baseData({ kubeProxyMode: 'none' }))
    expect(out).toContain('skipPhases:\n- preflight\n- addon/kube-proxy\n---\n')
    expect(out).not.toContain('KubeProxyConfiguration')
    expect(out.endsWith('kind: KubeletConfiguration\n')).toBe(true)
  })

  it.each([
    ['ipvs', 'mode: ipvs\n', false],
    ['nftables', 'mode: nftables\n', true]
  ] as const)('kube-proxy mode %s', (mode, line, liberal) => {
    const out = renderKubeadmConfig(baseData({ kubeProxyMode: mode }))
    expect(out).toContain(line)
    expect(out.includes('  tcpBeLiberal: true\n')).toBe(liberal)
  })

  it('passes feature gates to every component and runtimeConfig to the API server, sorted', () => {
    const out = renderKubeadmConfig(
      baseData({ featureGates: { Zeta: true, Alpha: false }, runtimeConfig: { 'api/beta': 'false', 'api/alpha': 'true' } })
    )
    expect(out).toContain('    feature-gates: Alpha=false,Zeta=true\n    runtime-config: api/alpha=true,api/beta=false\n')
    expect(out.match(/feature-gates: Alpha=false,Zeta=true/g)).toHaveLength(3)
    expect(out.match(/featureGates:\n {2}Alpha: false\n {2}Zeta: true\n/g)).toHaveLength(2)
  })

  it('omits controlPlane in a worker JoinConfiguration and writes node labels', () => {
    const out = renderKubeadmConfig(baseData({ controlPlane: false, nodeName: 'kind-worker', nodeLabels: 'a=b,c=d' }))
    expect(out).not.toContain('controlPlane:')
    expect(out).toContain('    node-labels: a=b,c=d\n    provider-id: kind://docker/kind/kind-worker\n')
  })

  it('uses the rootless settings', () => {
    const out = renderKubeadmConfig(baseData({ rootless: true, kubeProxyMode: 'nftables' }))
    expect(out).toContain('feature-gates: KubeletInUserNamespace=true')
    expect(out).toContain('  tcpCloseWaitTimeout: 0s\n  tcpEstablishedTimeout: 0s\n')
    expect(out).not.toContain('tcpBeLiberal')
    expect(() => renderKubeadmConfig(baseData({ rootless: true, kubernetesVersion: 'v1.21.3' }))).toThrow(
      /not compatible with rootless provider/
    )
  })

  it('uses v1beta2 with cgroupfs and no skipPhases for old versions, plus the 1.20 dual-stack gate', () => {
    const out = renderKubeadmConfig(baseData({ kubernetesVersion: 'v1.20.15' }))
    expect(out).toContain('apiVersion: kubeadm.k8s.io/v1beta2\n')
    expect(out).toContain('featureGates:\n  IPv6DualStack: true\n')
    expect(out).toContain('cgroupDriver: cgroupfs\n')
    expect(out).not.toContain('skipPhases')
  })

  it('rejects a version it cannot parse', () => {
    expect(() => renderKubeadmConfig(baseData({ kubernetesVersion: 'latest' }))).toThrow(/could not parse/)
  })
})

describe('version-dependent choices', () => {
  it.each([
    ['v1.22.17', 'kubeadm.k8s.io/v1beta2'],
    ['v1.23.0', 'kubeadm.k8s.io/v1beta3'],
    ['v1.35.99', 'kubeadm.k8s.io/v1beta3'],
    // kind compares with the generic parser, which ignores pre-release suffixes.
    ['v1.36.0-alpha.1', 'kubeadm.k8s.io/v1beta4'],
    ['v1.36.0', 'kubeadm.k8s.io/v1beta4'],
    ['v1.37.0-rc.1', 'kubeadm.k8s.io/v1beta4']
  ])('%s uses %s', (v, api) => {
    expect(kubeadmAPIVersion(Version.parseGeneric(v))).toBe(api)
  })

  it.each([
    ['v1.23.17', 'cgroupfs'],
    ['v1.24.0', 'systemd'],
    ['v1.34.4', 'systemd']
  ])('%s uses the %s cgroup driver', (v, driver) => {
    expect(kubeletCgroupDriver(Version.parseGeneric(v))).toBe(driver)
  })
})

describe('kubeadmDataForNode', () => {
  const ips = { ipv4: '172.18.0.5', ipv6: 'fc00:f853:ccd:e793::5' }

  it('fills the data from the cluster and the node', () => {
    const cluster = makeCluster({
      name: 'dev',
      nodes: [{ role: 'control-plane' }, { role: 'worker', labels: { zone: 'b', app: 'x' } }],
      featureGates: { A: true },
      runtimeConfig: { 'api/all': 'true' }
    })
    const worker = cluster.nodes[1]
    if (!worker) throw new Error('no worker')
    expect(kubeadmDataForNode(cluster, worker, 'dev-worker', ips, 'v1.34.4', 'dev-control-plane:6443')).toEqual({
      clusterName: 'dev',
      kubernetesVersion: 'v1.34.4',
      controlPlaneEndpoint: 'dev-control-plane:6443',
      apiServerAddress: '127.0.0.1',
      podSubnet: '10.244.0.0/16',
      serviceSubnet: '10.96.0.0/16',
      kubeProxyMode: 'iptables',
      ipFamily: 'ipv4',
      featureGates: { A: true },
      runtimeConfig: { 'api/all': 'true' },
      nodeName: 'dev-worker',
      nodeAddress: '172.18.0.5',
      nodeLabels: 'app=x,zone=b',
      controlPlane: false,
      rootless: false
    })
  })

  it('orders dual-stack addresses like the primary service subnet', () => {
    const v4first = makeCluster({ ipFamily: 'dual' })
    expect(nodeAddressFor(v4first, 'n', ips)).toBe('172.18.0.5,fc00:f853:ccd:e793::5')
    const v6first = makeCluster({ ipFamily: 'dual', networking: { serviceSubnet: 'fd00:10:96::/112,10.96.0.0/16' } })
    expect(nodeAddressFor(v6first, 'n', ips)).toBe('fc00:f853:ccd:e793::5,172.18.0.5')
    expect(nodeAddressFor(makeCluster({ ipFamily: 'ipv6' }), 'n', ips)).toBe('fc00:f853:ccd:e793::5')
  })

  it('needs an IPv6 address for ipv6 and dual clusters', () => {
    expect(() => nodeAddressFor(makeCluster({ ipFamily: 'ipv6' }), 'kind-worker', { ipv4: '172.18.0.5', ipv6: '' })).toThrow(
      new KubeadmConfigError(
        'failed to get IPv6 address for node kind-worker; is docker configured to use IPv6 correctly?'
      )
    )
  })

  it('reports an unparsable primary service subnet', () => {
    const cluster = makeCluster({ ipFamily: 'dual', networking: { serviceSubnet: 'nope,fd00::/112' } })
    expect(() => nodeAddressFor(cluster, 'n', ips)).toThrow('failed to parse primary Service Subnet nope (nope,fd00::/112)')
  })

  it('names the node in errors from its own patches', () => {
    const cluster = makeCluster({
      nodes: [
        { role: 'control-plane' },
        {
          role: 'worker',
          kubeadmConfigPatchesJSON6902: [
            { group: '', version: '', kind: 'JoinConfiguration', patch: '- {op: remove, path: /nope}' }
          ]
        }
      ]
    })
    const worker = cluster.nodes[1]
    if (!worker) throw new Error('no worker')
    expect(() => kubeadmConfigForNode(cluster, worker, 'kind-worker', ips, 'v1.34.4', 'kind-control-plane:6443')).toThrow(
      'nodes[1].kubeadmConfigPatchesJSON6902[0]: kubeadm.k8s.io/v1beta3 JoinConfiguration: operation 0 (remove "/nope"): "/nope" does not exist'
    )
  })
})

describe("the README's kubeadm timeouts for slow hosts", () => {
  // The block under "On a slow host kubeadm's own timeouts can run out too", as a user would paste it
  // (and as the e2e harness's slowHostConfig uses it under emulation).
  const ips = { ipv4: '172.18.0.5', ipv6: '' }
  const patches = (YAML.parse(readmeSlowHostBlock()) as { kubeadmConfigPatches: string[] }).kubeadmConfigPatches
  const cluster = makeCluster({ nodes: [{ role: 'control-plane' }, { role: 'worker' }], kubeadmConfigPatches: patches })
  const docs = (nodeIndex: number, name: string): Record<string, { timeouts?: Record<string, string> }> =>
    Object.fromEntries(
      YAML.parseAllDocuments(kubeadmConfigForNode(cluster, cluster.nodes[nodeIndex]!, name, ips, 'v1.37.2', 'kind-control-plane:6443'))
        .map(d => d.toJSON() as { kind: string; timeouts?: Record<string, string> })
        .map(d => [d.kind, d])
    )

  it('raises init and join timeouts in the v1beta4 config of Kubernetes 1.37', () => {
    expect(patches).toHaveLength(2)
    expect(docs(0, 'kind-control-plane').InitConfiguration?.timeouts).toEqual({
      controlPlaneComponentHealthCheck: '20m0s',
      kubeletHealthCheck: '20m0s',
      kubernetesAPICall: '20m0s'
    })
    expect(docs(1, 'kind-worker').JoinConfiguration?.timeouts).toMatchObject({ discovery: '20m0s', tlsBootstrap: '20m0s', kubernetesAPICall: '20m0s' })
  })
})
