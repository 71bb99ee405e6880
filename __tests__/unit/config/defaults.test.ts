import { describe, expect, it } from 'vitest'
import { applyDefaults, type DefaultsOptions } from '../../../src/config/defaults.js'
import type { Cluster, Node, RawCluster } from '../../../src/config/types.js'
import { cluster, node } from '../../helpers/cluster.js'

const IMAGE = 'kindest/node:v1.33.1'
const OPTIONS: DefaultsOptions = { defaultImage: IMAGE, cwd: '/work/repo' }

function defaultNode(role: Node['role']): Node {
  return node(role, { image: IMAGE })
}

describe('applyDefaults', () => {
  it('turns an empty config into kind’s default cluster, field for field', () => {
    // (helpers/cluster.ts writes kind's default cluster out field for field)
    expect(applyDefaults({}, OPTIONS)).toStrictEqual<Cluster>(cluster([defaultNode('control-plane')]))
  })

  it.each([
    ['ipv4 (absent)', undefined, '127.0.0.1', '10.244.0.0/16', '10.96.0.0/16'],
    ['ipv4 (empty)', '', '127.0.0.1', '10.244.0.0/16', '10.96.0.0/16'],
    ['ipv4', 'ipv4', '127.0.0.1', '10.244.0.0/16', '10.96.0.0/16'],
    ['ipv6', 'ipv6', '::1', 'fd00:10:244::/56', 'fd00:10:96::/112'],
    ['dual', 'dual', '127.0.0.1', '10.244.0.0/16,fd00:10:244::/56', '10.96.0.0/16,fd00:10:96::/112']
  ])('defaults the networking of family %s', (_name, ipFamily, apiServerAddress, podSubnet, serviceSubnet) => {
    const raw: RawCluster = ipFamily === undefined ? {} : { networking: { ipFamily } }
    const { networking } = applyDefaults(raw, OPTIONS)
    expect(networking).toStrictEqual({
      ipFamily: ipFamily === undefined || ipFamily === '' ? 'ipv4' : ipFamily,
      apiServerPort: 0,
      apiServerAddress,
      podSubnet,
      serviceSubnet,
      disableDefaultCNI: false,
      kubeProxyMode: 'iptables'
    })
  })

  it.each([
    ['ipv4', '0.0.0.0'],
    ['dual', '0.0.0.0'],
    ['ipv6', '::']
  ])('defaults a port mapping of family %s to listen on %s, TCP', (ipFamily, listenAddress) => {
    const cluster = applyDefaults({ networking: { ipFamily }, nodes: [{ extraPortMappings: [{ containerPort: 80 }, { listenAddress: '' }] }] }, OPTIONS)
    expect(cluster.nodes[0]?.extraPortMappings).toStrictEqual([
      { containerPort: 80, hostPort: 0, listenAddress, protocol: 'TCP' },
      { containerPort: 0, hostPort: 0, listenAddress, protocol: 'TCP' }
    ])
  })

  it('keeps every networking value the config sets', () => {
    const networking = {
      ipFamily: 'ipv6',
      apiServerPort: 6443,
      apiServerAddress: '127.0.0.1',
      podSubnet: 'fd00:1::/56',
      serviceSubnet: 'fd00:2::/112',
      disableDefaultCNI: true,
      kubeProxyMode: 'none',
      dnsSearch: ['a', 'b']
    }
    expect(applyDefaults({ networking }, OPTIONS).networking).toStrictEqual(networking)
  })

  it('keeps an empty dnsSearch apart from an absent one', () => {
    expect(applyDefaults({ networking: { dnsSearch: [] } }, OPTIONS).networking.dnsSearch).toStrictEqual([])
    expect('dnsSearch' in applyDefaults({ networking: {} }, OPTIONS).networking).toBe(false)
  })

  it.each<[string, string | undefined, string | undefined, string]>([
    ['no name anywhere', undefined, undefined, 'kind'],
    ['the config name', 'from-config', undefined, 'from-config'],
    ['the override over the config name', 'from-config', 'from-input', 'from-input'],
    ['the override without a config name', undefined, 'from-input', 'from-input'],
    ['an empty override as no override', 'from-config', '', 'from-config'],
    ['an empty config name as no name', '', undefined, 'kind']
  ])('names the cluster: %s', (_name, configName, nameOverride, expected) => {
    const raw: RawCluster = configName === undefined ? {} : { name: configName }
    const options: DefaultsOptions = nameOverride === undefined ? OPTIONS : { ...OPTIONS, nameOverride }
    expect(applyDefaults(raw, options).name).toBe(expected)
  })

  it('fills in a node’s role and image only where the config leaves them out', () => {
    const raw: RawCluster = { nodes: [{}, { role: '', image: '' }, { role: 'worker', image: 'custom:1' }] }
    expect(applyDefaults(raw, OPTIONS).nodes.map((n) => [n.role, n.image])).toEqual([
      ['control-plane', IMAGE],
      ['control-plane', IMAGE],
      ['worker', 'custom:1']
    ])
  })

  it('replaces the image of every node with the image override', () => {
    const raw: RawCluster = { nodes: [{ image: 'a:1' }, { role: 'worker' }] }
    expect(applyDefaults(raw, { ...OPTIONS, imageOverride: 'override:2' }).nodes.map((n) => n.image)).toEqual([
      'override:2',
      'override:2'
    ])
    expect(applyDefaults(raw, { ...OPTIONS, imageOverride: '' }).nodes.map((n) => n.image)).toEqual(['a:1', IMAGE])
  })

  it('gives an empty node list a single control plane, as kind does', () => {
    expect(applyDefaults({ nodes: [] }, OPTIONS).nodes).toStrictEqual([defaultNode('control-plane')])
  })

  it('keeps unknown role, family and mode strings for validation to report', () => {
    const cluster = applyDefaults({ nodes: [{ role: 'master' }], networking: { ipFamily: 'IPv6', kubeProxyMode: 'userspace' } }, OPTIONS)
    expect(cluster.nodes[0]?.role).toBe('master')
    expect(cluster.networking.ipFamily).toBe('IPv6')
    expect(cluster.networking.kubeProxyMode).toBe('userspace')
    // An unknown family gets the IPv4 defaults, the branch kind's defaulting falls into.
    expect(cluster.networking.apiServerAddress).toBe('127.0.0.1')
    expect(cluster.networking.podSubnet).toBe('10.244.0.0/16')
  })

  it.each([
    ['an absolute path, untouched', '/data/files/', '/data/files/'],
    ['a relative path', './foo', '/work/repo/foo'],
    ['a bare name', 'foo/bar', '/work/repo/foo/bar'],
    ['a path going up', '../shared/x', '/work/shared/x'],
    ['an empty path (the cwd, as Go’s filepath.Abs gives)', '', '/work/repo'],
    ['an absent path', undefined, '/work/repo']
  ])('resolves the hostPath of a mount: %s', (_name, hostPath, expected) => {
    const raw: RawCluster = { nodes: [{ extraMounts: [hostPath === undefined ? { containerPath: '/c' } : { hostPath, containerPath: '/c' }] }] }
    expect(applyDefaults(raw, OPTIONS).nodes[0]?.extraMounts).toStrictEqual([
      { containerPath: '/c', hostPath: expected, readOnly: false, selinuxRelabel: false, propagation: 'None' }
    ])
  })

  it('keeps the mount options the config sets', () => {
    const mount = { containerPath: '/c', hostPath: '/h', readOnly: true, selinuxRelabel: true, propagation: 'Bidirectional' as const }
    expect(applyDefaults({ nodes: [{ extraMounts: [mount] }] }, OPTIONS).nodes[0]?.extraMounts).toStrictEqual([mount])
  })

  it('keeps port mappings the config sets in full', () => {
    const mapping = { containerPort: 53, hostPort: -1, listenAddress: '127.0.0.1', protocol: 'UDP' as const }
    expect(applyDefaults({ nodes: [{ extraPortMappings: [mapping] }] }, OPTIONS).nodes[0]?.extraPortMappings).toStrictEqual([mapping])
  })

  it('fills absent JSON 6902 patch fields with empty strings and copies the rest', () => {
    const raw: RawCluster = {
      featureGates: { A: true },
      runtimeConfig: { 'api/alpha': 'false' },
      kubeadmConfigPatches: ['kind: ClusterConfiguration'],
      kubeadmConfigPatchesJSON6902: [{ kind: 'ClusterConfiguration', patch: '[]' }],
      containerdConfigPatches: ['[plugins]'],
      containerdConfigPatchesJSON6902: ['[]'],
      nodes: [
        {
          labels: { tier: 'frontend' },
          kubeadmConfigPatches: ['kind: JoinConfiguration'],
          kubeadmConfigPatchesJSON6902: [{ group: 'g', version: 'v', kind: 'k', patch: 'p' }]
        }
      ]
    }
    const cluster = applyDefaults(raw, OPTIONS)
    expect(cluster.featureGates).toStrictEqual({ A: true })
    expect(cluster.runtimeConfig).toStrictEqual({ 'api/alpha': 'false' })
    expect(cluster.kubeadmConfigPatches).toStrictEqual(['kind: ClusterConfiguration'])
    expect(cluster.kubeadmConfigPatchesJSON6902).toStrictEqual([{ group: '', version: '', kind: 'ClusterConfiguration', patch: '[]' }])
    expect(cluster.containerdConfigPatches).toStrictEqual(['[plugins]'])
    expect(cluster.containerdConfigPatchesJSON6902).toStrictEqual(['[]'])
    expect(cluster.nodes[0]).toStrictEqual({
      ...defaultNode('control-plane'),
      labels: { tier: 'frontend' },
      kubeadmConfigPatches: ['kind: JoinConfiguration'],
      kubeadmConfigPatchesJSON6902: [{ group: 'g', version: 'v', kind: 'k', patch: 'p' }]
    })
  })

  it('shares no object or array with the raw config', () => {
    const raw: RawCluster = {
      featureGates: { A: true },
      networking: { dnsSearch: ['a'] },
      nodes: [{ labels: { x: 'y' }, kubeadmConfigPatches: ['p'], extraMounts: [{ hostPath: '/h', containerPath: '/c' }] }]
    }
    const before = structuredClone(raw)
    const cluster = applyDefaults(raw, OPTIONS)
    cluster.featureGates.B = false
    cluster.networking.dnsSearch?.push('b')
    cluster.nodes[0]?.kubeadmConfigPatches.push('q')
    if (cluster.nodes[0]) cluster.nodes[0].labels.z = 'w'
    expect(raw).toStrictEqual(before)
  })
})
