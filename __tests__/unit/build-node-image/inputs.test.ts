import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, dirname, join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { BuildInputError, defaultNodeImage, parseBuildInputs, parseSourceDescription, withSourceVersion } from '../../../src/build-node-image/inputs.js'
import { cacheKey, describeStage, planStages, stageEnv } from '../../../src/build-node-image/plan.js'

/** A directory with the two things the input check looks for in a Kubernetes checkout. */
function fakeCheckout(): string {
  const dir = mkdtempSync(join(tmpdir(), 'bni-src-'))
  mkdirSync(join(dir, 'cmd', 'kubeadm'), { recursive: true })
  writeFileSync(join(dir, 'go.mod'), 'module k8s.io/kubernetes\n')
  return dir
}

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
    [{ kubernetes_source: '/nonexistent/kubernetes' }, 'kubernetes_source: /nonexistent/kubernetes is not a directory'],
    [{ kubernetes_source: tmpdir() }, `kubernetes_source: ${tmpdir()} is not a Kubernetes checkout (no go.mod with cmd/kubeadm)`],
    [{ kubernetes_source: tmpdir(), kubernetes_version: 'v1.37.2' }, 'kubernetes_version and kubernetes_source: give one']
  ])('%j fails naming the input', (values, message) => {
    const found = problems(values as Record<string, string>)
    expect(found).toHaveLength(1)
    expect(found[0]).toContain(message)
  })

  it('takes a checkout, relative to the workspace, and leaves the version and default tag to its describe stage', () => {
    const dir = fakeCheckout()
    const request = parseBuildInputs(reader({ kubernetes_source: basename(dir) }), dirname(dir))
    expect(request).toMatchObject({ kubernetesVersion: '', source: dir, image: '' })
    expect(parseBuildInputs(reader({ kubernetes_source: dir }))).toEqual({ kubernetesVersion: '', source: dir, baseImage: undefined, image: '', cache: true })
    const described = parseSourceDescription('version=v1.38.0-alpha.0.12+0123456789abcd\ncommit=0123456789abcdef0123\ntree=clean\n')
    expect(described).toEqual({ version: 'v1.38.0-alpha.0.12+0123456789abcd', commit: '0123456789abcdef0123', dirty: false })
    expect(withSourceVersion(parseBuildInputs(reader({ kubernetes_source: dir })), described)).toMatchObject({
      kubernetesVersion: 'v1.38.0-alpha.0.12+0123456789abcd',
      image: 'kindest/node:v1.38.0-alpha.0.12_0123456789abcd'
    })
    expect(withSourceVersion(parseBuildInputs(reader({ kubernetes_source: dir, image: 'me/node:dev' })), described).image).toBe('me/node:dev')
  })

  it('tags as kubeadm does: a "+" of the version becomes "_"', () => {
    expect(defaultNodeImage('v1.37.2')).toBe('kindest/node:v1.37.2')
    expect(defaultNodeImage('v1.37.2-3+abc-dirty')).toBe('kindest/node:v1.37.2-3_abc-dirty')
  })

  it('rejects a describe output it does not understand', () => {
    expect(() => parseSourceDescription('fatal: not a git repository')).toThrow(/unexpected description of the checkout/)
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

describe('planStages for kubernetes_source', () => {
  it('describes the checkout first, then compiles it in place; every Kubernetes stage blames kubernetes_source', () => {
    const dir = fakeCheckout()
    expect(describeStage(dir)).toMatchObject({ name: 'describe', script: 'build-kubernetes.sh', args: ['--source', dir, '--describe'], input: 'kubernetes_source' })
    const request = withSourceVersion(parseBuildInputs(reader({ kubernetes_source: dir })), { version: 'v1.37.2-1+abc', commit: 'f'.repeat(40), dirty: false })
    const stages = planStages(request)
    expect(stages.map(s => s.name)).toEqual(['compile', 'components', 'base', 'node'])
    expect(stages[0]).toMatchObject({ args: ['--source', dir], input: 'kubernetes_source' })
    expect(stages.filter(s => s.name !== 'base').every(s => s.input === 'kubernetes_source')).toBe(true)
    expect(stageEnv(request)).toEqual({ KUBE_VERSION: 'v1.37.2-1+abc', NODE_IMAGE: 'kindest/node:v1.37.2-1_abc' })
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

  it('names a source build\'s commit, so a checkout at a release tag is not taken for the release', () => {
    const key = cacheKey(request, facts)
    const fromSource = cacheKey(request, { ...facts, commit: 'e'.repeat(40) })
    expect(fromSource).toContain(`source-${'e'.repeat(14)}-v1.37.2`)
    expect(fromSource).not.toBe(key)
  })
})
