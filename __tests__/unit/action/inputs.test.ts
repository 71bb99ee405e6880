import { describe, expect, it } from 'vitest'
import { InputError, parseInputs } from '../../../src/inputs.js'
import { parseDuration } from '../../../src/duration.js'
import { defaultNodeImage, resolveNodeImage, supportedVersions } from '../../../src/node-images.js'

const reader = (values: Record<string, string>) => (name: string) => values[name] ?? ''

function problems(values: Record<string, string>): string[] {
  try {
    parseInputs(reader(values))
  } catch (error) {
    if (error instanceof InputError) return error.problems
    throw error
  }
  return []
}

describe('parseInputs', () => {
  it('applies the documented defaults', () => {
    expect(parseInputs(reader({ wait: '5m', cleanup: 'true', logs: 'on-failure', cache: 'auto' }))).toEqual({
      clusterName: '',
      defaultClusterName: 'kind',
      kindVersion: '',
      installOnly: false,
      ignoreFailedClean: false,
      verbosity: 0,
      warnings: [],
      nodeImage: '',
      kubernetesVersion: '',
      config: '',
      waitMs: 300_000,
      kubeconfig: '',
      kubectlVersion: '',
      cleanup: true,
      keepOnFailure: false,
      logs: 'on-failure',
      logsDir: '',
      cache: 'auto',
      loadImages: [],
      loadBalancerImage: '',
      kindCli: 'auto'
    })
  })

  it('reads the shorthand topology and image lists', () => {
    const inputs = parseInputs(reader({ control_planes: '3', workers: '2', load_images: 'a:1, b:2\nc:3\na:1' }))
    expect([inputs.controlPlanes, inputs.workers, inputs.loadImages]).toEqual([3, 2, ['a:1', 'b:2', 'c:3']])
  })

  it('reports every bad input at once, each naming the input and what it accepts', () => {
    expect(
      problems({
        cluster_name: 'My_Cluster',
        kubernetes_version: 'latest',
        workers: '-1',
        wait: 'soon',
        kubectl_version: '1.34',
        cleanup: 'maybe',
        logs: 'sometimes',
        cache: 'yes please',
        logs_retention_days: '365'
      })
    ).toEqual([
      'cluster_name: "My_Cluster" may only contain lower-case letters, digits, "." and "-"',
      'kubernetes_version: "latest" is not a version; write it as 1.34 or 1.34.2',
      'workers: "-1" is not a whole number from 0 to 50',
      'wait: "soon" is not a duration; write it as 5m, 90s, 1m30s or 0 to skip',
      'kubectl_version: "1.34" is not a release version; write it as v1.34.2, or leave it empty for the node\'s kubectl',
      'logs_retention_days: "365" is not a whole number from 1 to 90',
      'cleanup: "maybe" is not a boolean; use true or false',
      'logs: "sometimes" is not accepted; use one of on-failure, always, never',
      'cache: "yes please" is not accepted; use one of auto, true, false'
    ])
    expect(problems({ cluster_name: 'My_Cluster', workers: '-1' })).toEqual([
      'cluster_name: "My_Cluster" may only contain lower-case letters, digits, "." and "-"',
      'workers: "-1" is not a whole number from 0 to 50'
    ])
  })

  it('refuses the shorthand together with a config', () => {
    expect(problems({ config: 'kind: Cluster\n', workers: '2' })).toEqual([
      'control_planes / workers: a shorthand for when no config is given; with config, list the nodes in it'
    ])
  })
})

describe('parseDuration', () => {
  it.each([
    ['5m', 300_000],
    ['90s', 90_000],
    ['1m30s', 90_000],
    ['1h', 3_600_000],
    ['500ms', 500],
    ['0', 0],
    ['120', 120_000]
  ])('%s → %i ms', (text, ms) => expect(parseDuration(text)).toBe(ms))
  it.each(['', 'soon', '5 m', '-1s', 'm5'])('%s is not a duration', text => expect(parseDuration(text)).toBeUndefined())
})

describe('resolveNodeImage', () => {
  it('resolves a minor to its newest patch and an exact patch to itself', () => {
    expect(resolveNodeImage('1.37')).toBe('kindest/node:v1.37.0@sha256:a1ed56cfb0e7b93589bdf97c8cd566405a265939e3620fc4f5de89adff580ae5')
    expect(resolveNodeImage('1.34')).toMatch(/^kindest\/node:v1\.34\.11@sha256:[0-9a-f]{64}$/)
    expect(resolveNodeImage('v1.33.12')).toMatch(/^kindest\/node:v1\.33\.12@sha256:/)
  })
  it('defaults to kind v0.33.0\'s image, Kubernetes 1.37.0', () => {
    expect(defaultNodeImage()).toBe(resolveNodeImage('1.37.0'))
  })
  it('lists the supported versions, newest first, when it cannot', () => {
    expect(supportedVersions()[0]).toBe('1.37.0')
    expect(() => resolveNodeImage('1.99')).toThrow(`kubernetes_version: 1.99 has no kind v0.33.0 node image; supported: 1.37.0, 1.36.4, 1.35.8, 1.34.11, 1.33.12, 1.32.11, 1.31.14`)
    expect(() => resolveNodeImage('1.3')).toThrow(/has no kind/)
  })
})

describe('parseInputs: the local registry (helm/kind-action inputs)', () => {
  const helmDefaults = { registry_image: 'registry:2', registry_name: 'kind-registry', registry_port: '5000', registry_enable_delete: 'false' }

  it('is off unless registry is true, whatever the other registry_* inputs say', () => {
    expect(parseInputs(reader({ ...helmDefaults, registry: 'false' })).registry).toBeUndefined()
    expect(parseInputs(reader({})).registry).toBeUndefined()
  })

  it('takes helm/kind-action\'s defaults, also when the inputs are empty', () => {
    const expected = { image: 'registry:2', name: 'kind-registry', port: 5000, enableDelete: false }
    expect(parseInputs(reader({ ...helmDefaults, registry: 'true' })).registry).toEqual(expected)
    expect(parseInputs(reader({ registry: 'true' })).registry).toEqual(expected)
  })

  it('reads every registry_* input', () => {
    const inputs = parseInputs(reader({ registry: 'true', registry_image: 'ghcr.io/me/reg:3', registry_name: 'my_reg.1', registry_port: '5001', registry_enable_delete: 'true' }))
    expect(inputs.registry).toEqual({ image: 'ghcr.io/me/reg:3', name: 'my_reg.1', port: 5001, enableDelete: true })
  })

  it('names each bad registry input', () => {
    expect(problems({ registry: 'yes please' })).toEqual(['registry: "yes please" is not a boolean; use true or false'])
    expect(problems({ registry: 'true', registry_port: '70000', registry_name: '-x', registry_enable_delete: 'maybe' })).toEqual([
      'registry_name: "-x" is not a container name; use letters, digits, "_", "." and "-", starting with a letter or digit',
      'registry_port: "70000" is not a whole number from 1 to 65535',
      'registry_enable_delete: "maybe" is not a boolean; use true or false'
    ])
  })
})
