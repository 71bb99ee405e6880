import { describe, expect, it } from 'vitest'
import { renderDefaultCNIManifest } from '../../../src/kubeadm/cni.js'
import { expectGolden, readFixture } from './golden.js'
import { cniScenarios } from './scenarios.js'

describe('renderDefaultCNIManifest (goldens from kind v0.32.0 installcni steps)', () => {
  it.each(cniScenarios.map((s) => [s.golden, s] as const))('%s', (_name, s) => {
    const out = renderDefaultCNIManifest(readFixture(s.manifest), {
      podSubnet: s.podSubnet,
      controlPlaneEndpoint: s.controlPlaneEndpoint
    })
    expectGolden(out, s.golden)
  })

  const daemonSet = (env: string): string =>
    [
      'apiVersion: apps/v1',
      'kind: DaemonSet',
      'spec:',
      '  template:',
      '    spec:',
      '      containers:',
      '      - name: c',
      `        env:${env}`,
      ''
    ].join('\n')

  it('templates every spelling of the pod subnet action, with trim markers', () => {
    const manifest = `# would you kindly template this file\na: {{ .PodSubnet }}\nb: {{.PodSubnet}}\nc: "x  {{- .PodSubnet -}}  y"\n`
    expect(renderDefaultCNIManifest(manifest, { podSubnet: '10.0.0.0/8', controlPlaneEndpoint: 'e:6443' })).toBe(
      '# would you kindly template this file\na: 10.0.0.0/8\nb: 10.0.0.0/8\nc: "x10.0.0.0/8y"\n'
    )
  })

  it('leaves a manifest without markers untouched', () => {
    const manifest = 'kind: ConfigMap\nvalue: {{ .PodSubnet }}\n'
    expect(renderDefaultCNIManifest(manifest, { podSubnet: 'x', controlPlaneEndpoint: 'e' })).toBe(manifest)
  })

  it('adds CONTROL_PLANE_ENDPOINT to the first container of apps/v1 DaemonSets only', () => {
    const manifest = `# would you kindly patch this file\n---\n${daemonSet(' []')}---\n${daemonSet(' []').replace('apps/v1', 'apps/v1beta2')}`
    const out = renderDefaultCNIManifest(manifest, { podSubnet: 'p', controlPlaneEndpoint: 'kind-external-load-balancer:6443' })
    expect(out.split('---\n')).toEqual([
      'null\n',
      'apiVersion: apps/v1\nkind: DaemonSet\nspec:\n  template:\n    spec:\n      containers:\n      - env:\n        - name: CONTROL_PLANE_ENDPOINT\n          value: kind-external-load-balancer:6443\n        name: c\n',
      'apiVersion: apps/v1beta2\nkind: DaemonSet\nspec:\n  template:\n    spec:\n      containers:\n      - env: []\n        name: c\n'
    ])
  })

  it('fails clearly on what it cannot template or patch', () => {
    expect(() =>
      renderDefaultCNIManifest('# would you kindly template this file\nx: {{ .Other }}\n', { podSubnet: 'p', controlPlaneEndpoint: 'e' })
    ).toThrow('unsupported template action {{.Other}} in the default CNI manifest')
    expect(() =>
      renderDefaultCNIManifest(`# would you kindly patch this file\n---\n${daemonSet('')}`, { podSubnet: 'p', controlPlaneEndpoint: 'e' })
    ).toThrow(/default CNI manifest patch\[0\]: apps\/v1 DaemonSet: operation 0 \(add .*\): .*env" is not an object or array/)
  })
})
