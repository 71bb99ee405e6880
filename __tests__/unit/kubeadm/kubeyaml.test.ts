import { describe, expect, it } from 'vitest'
import { kubeYAML, matchInfoOf, PatchError, splitYAMLDocuments } from '../../../src/kubeadm/kubeyaml.js'
import { patchKubeadmConfig, removeConfigMetadata } from '../../../src/kubeadm/patch.js'
import { renderKubeadmTemplate, type KubeadmConfigData } from '../../../src/kubeadm/render.js'

describe('splitYAMLDocuments (kind splits where a line starts with ---)', () => {
  it.each([
    ['a: 1\n---\nb: 2\n', ['a: 1', 'b: 2\n']],
    ['a: 1\n--- # comment\nb: 2', ['a: 1', 'b: 2']],
    ['a: 1\n---\n', ['a: 1']],
    ['a: 1\n---', ['a: 1']],
    ['---\na: 1\n', ['---\na: 1\n']],
    ['a: 1\n----\nb: 2\n', ['a: 1', 'b: 2\n']],
    ['\n---\nb: 2\n', ['', 'b: 2\n']],
    // The Go scanner gives up on a last separator line with no newline after it.
    ['a: 1\n--- ', []],
    ['', []]
  ])('%j', (stream, docs) => {
    expect(splitYAMLDocuments(stream)).toEqual(docs)
  })
})

describe('matchInfoOf', () => {
  it('reads kind and apiVersion like encoding/json would', () => {
    expect(matchInfoOf({ kind: 'A', apiVersion: 'v1' })).toEqual({ kind: 'A', apiVersion: 'v1' })
    expect(matchInfoOf({ Kind: 'A' })).toEqual({ kind: 'A', apiVersion: '' })
    expect(matchInfoOf({ kind: 5, apiVersion: 1.5 })).toEqual({ kind: '5', apiVersion: '1.5' })
    expect(matchInfoOf(null)).toEqual({ kind: '', apiVersion: '' })
    expect(() => matchInfoOf(['a'])).toThrow(/must be a YAML mapping/)
    expect(() => matchInfoOf({ kind: {} })).toThrow(/kind must be a string/)
  })
})

describe('kubeYAML', () => {
  const stream = 'kind: A\napiVersion: g/v1\nx: 1\n---\n# comment\nkind: B\napiVersion: g/v2\nlist: [b, a]\n'

  it('normalises every document even without patches', () => {
    expect(kubeYAML(stream, [], [])).toBe('apiVersion: g/v1\nkind: A\nx: 1\n---\napiVersion: g/v2\nkind: B\nlist:\n- b\n- a\n')
  })

  it('matches on kind, and on apiVersion only when the patch names one', () => {
    const out = kubeYAML(stream, ['kind: A\nw: 2\n---\nkind: B\napiVersion: g/v1\nz: 3\n', 'kind: B\nz: 4\n'], [])
    expect(out).toBe('apiVersion: g/v1\nkind: A\nw: 2\nx: 1\n---\napiVersion: g/v2\nkind: B\nlist:\n- b\n- a\nz: 4\n')
  })

  it('applies all merge patches before the JSON 6902 patches, in list order', () => {
    const out = kubeYAML(
      stream,
      ['kind: A\nx: 10\n'],
      [
        { group: 'g', version: 'v1', kind: 'A', patch: '- {op: test, path: /x, value: 10}\n- {op: replace, path: /x, value: 11}' },
        { group: '', version: '', kind: 'A', patch: '[{"op": "test", "path": "/x", "value": 11}]' },
        { group: 'g', version: 'v9', kind: 'A', patch: '- {op: remove, path: /nothing}' },
        { group: '', version: '', kind: 'B', patch: '' }
      ]
    )
    expect(out).toBe('apiVersion: g/v1\nkind: A\nx: 11\n---\napiVersion: g/v2\nkind: B\nlist:\n- b\n- a\n')
  })

  it('names the failing patch, its document and the operation', () => {
    expect(() =>
      kubeYAML(stream, [], [
        { group: 'g', version: 'v1', kind: 'A', patch: '- {op: add, path: /y, value: 1}' },
        { group: 'g', version: 'v1', kind: 'A', patch: '- {op: add, path: /z, value: 1}\n- {op: replace, path: /missing, value: 2}' }
      ])
    ).toThrow(
      new PatchError(
        'kubeadmConfigPatchesJSON6902[1]',
        'g/v1 A: operation 1 (replace "/missing"): "/missing" does not exist'
      )
    )
    expect(() => kubeYAML(stream, ['kind: A\n---\n- not a mapping\n'], [])).toThrow(
      'kubeadmConfigPatches[0] (document 2): cannot parse: a document must be a YAML mapping'
    )
    expect(() => kubeYAML(stream, [], [{ group: '', version: '', kind: 'Z', patch: 'op: add' }])).toThrow(
      'kubeadmConfigPatchesJSON6902[0]: cannot parse: a JSON 6902 patch must be a list of operations'
    )
    expect(() => kubeYAML(stream, ['kind: [unclosed\n'], [])).toThrow(/^kubeadmConfigPatches\[0\]: cannot parse: /)
  })
})

describe('kubeadm patch semantics of kind v0.32', () => {
  const data = (kubernetesVersion: string): KubeadmConfigData => ({
    clusterName: 'kind',
    kubernetesVersion,
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
    rootless: false
  })
  const patch = (version: string, patches: string[]): string =>
    patchKubeadmConfig(renderKubeadmTemplate(data(version)), {
      cluster: { kubeadmConfigPatches: patches, kubeadmConfigPatchesJSON6902: [] }
    })

  it('appends certSANs instead of replacing them', () => {
    const out = patch('v1.34.4', ['kind: ClusterConfiguration\napiServer:\n  certSANs: [127.0.0.1, extra.example]\n'])
    expect(out).toContain('  certSANs:\n  - localhost\n  - 127.0.0.1\n  - extra.example\n')
  })

  it('merges v1beta3 extraArgs as maps', () => {
    const out = patch('v1.34.4', ['kind: ClusterConfiguration\ncontrollerManager:\n  extraArgs:\n    v: "4"\n'])
    expect(out).toContain('controllerManager:\n  extraArgs:\n    enable-hostpath-provisioner: "true"\n    v: "4"\n')
  })

  it('merges v1beta4 extraArgs by name, converting the map form of patches without apiVersion', () => {
    const out = patch('v1.36.1', [
      'kind: ClusterConfiguration\ncontrollerManager:\n  extraArgs:\n    v: "4"\n    enable-hostpath-provisioner: "false"\n',
      'kind: InitConfiguration\nnodeRegistration:\n  kubeletExtraArgs:\n  - name: node-labels\n    value: a=b\n  - name: provider-id\n    value: null\n'
    ])
    expect(out).toContain(
      'controllerManager:\n  extraArgs:\n  - name: enable-hostpath-provisioner\n    value: "false"\n  - name: v\n    value: "4"\n'
    )
    expect(out).toContain('  kubeletExtraArgs:\n  - name: node-ip\n    value: 172.18.0.2\n  - name: node-labels\n    value: a=b\n')
  })

  it('ignores the map form when the patch pins an apiVersion, and v1beta3 patches on v1beta4', () => {
    const out = patch('v1.36.1', [
      'apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\nscheduler:\n  extraArgs:\n    v: "4"\n',
      'apiVersion: kubeadm.k8s.io/v1beta3\nkind: ClusterConfiguration\nclusterName: other\n'
    ])
    expect(out).toContain('scheduler:\n  extraArgs: null\n')
    expect(out).toContain('clusterName: kind\n')
  })

  it('strips only the literal metadata block', () => {
    expect(removeConfigMetadata('a: 1\nmetadata:\n  name: config\nz: 2\n')).toBe('a: 1\nz: 2\n')
    const out = patch('v1.34.4', ['kind: KubeletConfiguration\nmetadata:\n  labels: {a: b}\n'])
    expect(out).toContain('kind: KubeletConfiguration\nmetadata:\n  labels:\n    a: b\n  name: config\n')
  })

  it('runs the node pass after the cluster pass and names the node in errors', () => {
    const template = renderKubeadmTemplate(data('v1.34.4'))
    const out = patchKubeadmConfig(template, {
      cluster: { kubeadmConfigPatches: ['kind: KubeletConfiguration\nmaxPods: 10\n'], kubeadmConfigPatchesJSON6902: [] },
      node: {
        kubeadmConfigPatches: [],
        kubeadmConfigPatchesJSON6902: [{ group: '', version: '', kind: 'KubeletConfiguration', patch: '- {op: test, path: /maxPods, value: 10}\n- {op: replace, path: /maxPods, value: 20}' }]
      },
      nodeLabel: 'nodes[0]'
    })
    expect(out).toContain('maxPods: 20\n')
    expect(() =>
      patchKubeadmConfig(template, {
        cluster: { kubeadmConfigPatches: [], kubeadmConfigPatchesJSON6902: [] },
        node: { kubeadmConfigPatches: ['kind: A\n---\nkind: [x'], kubeadmConfigPatchesJSON6902: [] },
        nodeLabel: 'nodes[2]'
      })
    ).toThrow(/^nodes\[2\]\.kubeadmConfigPatches\[0\] \(document 2\): cannot parse/)
  })
})
