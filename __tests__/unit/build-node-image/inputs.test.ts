import { describe, expect, it } from 'vitest'
import { BuildInputError, parseBuildInputs } from '../../../src/build-node-image/inputs.js'
import { cacheKey, planStages, stageEnv } from '../../../src/build-node-image/plan.js'

const reader = (values: Record<string, string>) => (name: string) => values[name] ?? ''

function problems(values: Record<string, string>): string[] {
  try {
    parseBuildInputs(reader(values))
  } catch (error) {
    if (error instanceof BuildInputError) return error.problems
    throw error
  }
  return []
}

describe('parseBuildInputs', () => {
  it('defaults the tag to kindest/node:<version>, the Debian base and the cache on', () => {
    expect(parseBuildInputs(reader({ kubernetes_version: '1.37.2' }))).toEqual({
      kubernetesVersion: 'v1.37.2',
      baseImage: undefined,
      image: 'kindest/node:v1.37.2',
      cache: true
    })
  })

  it('takes a tag, a base image and cache: false', () => {
    expect(parseBuildInputs(reader({ kubernetes_version: 'v1.36.3', image: 'localhost:5000/node:dev', base_image: 'kindest/base:v20260101-abc', cache: 'false' }))).toEqual({
      kubernetesVersion: 'v1.36.3',
      baseImage: 'kindest/base:v20260101-abc',
      image: 'localhost:5000/node:dev',
      cache: false
    })
  })

  it.each([
    [{}, 'kubernetes_version: required'],
    [{ kubernetes_version: '1.37' }, 'kubernetes_version: "1.37" is not a Kubernetes release'],
    [{ kubernetes_version: 'latest' }, 'kubernetes_version: "latest" is not a Kubernetes release'],
    [{ kubernetes_version: 'v1.37.2; rm -rf /' }, 'kubernetes_version: "v1.37.2; rm -rf /" is not a Kubernetes release'],
    [{ kubernetes_version: 'v1.37.2', image: 'Kindest/Node:x' }, 'image: "Kindest/Node:x" is not an image reference'],
    [{ kubernetes_version: 'v1.37.2', base_image: 'a b' }, 'base_image: "a b" is not an image reference'],
    [{ kubernetes_version: 'v1.37.2', cache: 'maybe' }, 'cache: "maybe" is not a boolean'],
    [{ kubernetes_source: '/src/kubernetes' }, 'kubernetes_source: building from a Kubernetes checkout is not supported yet']
  ])('%j fails naming the input', (values, message) => {
    const found = problems(values as Record<string, string>)
    expect(found).toHaveLength(1)
    expect(found[0]).toContain(message)
  })

  it('reports every problem at once', () => {
    expect(problems({ kubernetes_version: 'x', image: 'UPPER', cache: '2' })).toHaveLength(3)
  })
})

describe('planStages', () => {
  it('runs fetch, compile, components, base and node for the Debian base', () => {
    const request = parseBuildInputs(reader({ kubernetes_version: 'v1.37.2' }))
    const stages = planStages(request)
    expect(stages.map(s => s.name)).toEqual(['fetch', 'compile', 'components', 'base', 'node'])
    expect(stages[0]).toMatchObject({ script: 'build-kubernetes.sh', args: ['--fetch', 'v1.37.2'], input: 'kubernetes_version' })
    expect(stages.at(-1)).toMatchObject({ script: 'build-node.sh', args: ['--stage', 'node'] })
    expect(stageEnv(request)).toEqual({ KUBE_VERSION: 'v1.37.2', NODE_IMAGE: 'kindest/node:v1.37.2' })
  })

  it('skips the base stage on a given base image, and blames base_image when the node stage fails', () => {
    const request = parseBuildInputs(reader({ kubernetes_version: 'v1.37.2', base_image: 'kindest/base:v1', image: 'x/node:1' }))
    const stages = planStages(request)
    expect(stages.map(s => s.name)).toEqual(['fetch', 'compile', 'components', 'node'])
    expect(stages.at(-1)?.input).toBe('base_image')
    expect(stageEnv(request)).toEqual({ KUBE_VERSION: 'v1.37.2', NODE_IMAGE: 'x/node:1', BASE_IMAGE: 'kindest/base:v1' })
  })
})

describe('cacheKey', () => {
  const facts = { recipe: 'a'.repeat(64), base: `sha256:${'b'.repeat(64)}`, arch: 'amd64' }
  const request = parseBuildInputs(reader({ kubernetes_version: 'v1.37.2' }))

  it('names the release, architecture, base and builder, not the tag', () => {
    const key = cacheKey(request, facts)
    expect(key).toBe(`kind-action-node-image-v1-v1.37.2-amd64-base-${'b'.repeat(16)}-recipe-${'a'.repeat(16)}`)
    expect(cacheKey({ ...request, image: 'other:tag' }, facts)).toBe(key)
  })

  it('changes with each fact that changes the result', () => {
    const key = cacheKey(request, facts)
    expect(cacheKey({ ...request, kubernetesVersion: 'v1.37.3' }, facts)).not.toBe(key)
    expect(cacheKey(request, { ...facts, arch: 'arm64' })).not.toBe(key)
    expect(cacheKey(request, { ...facts, base: 'c'.repeat(16) })).not.toBe(key)
    expect(cacheKey(request, { ...facts, recipe: 'd'.repeat(64) })).not.toBe(key)
  })
})
