// What a build runs, as data: the stages of hack/images (the one builder, shared with the test
// fixtures) with their arguments and environment, and the cache key of the result. No process is
// started here.
import type { BuildRequest } from './inputs.js'

export type StageName = 'describe' | 'fetch' | 'compile' | 'components' | 'base' | 'node'

export interface Stage {
  name: StageName
  /** What the stage does, for its log group. */
  title: string
  /** A script under hack/images, and its arguments. */
  script: string
  args: string[]
  /** The input whose value the stage depends on, named when it fails. */
  input: 'kubernetes_version' | 'kubernetes_source' | 'base_image'
}

/** The source build's first stage: the checkout's version, commit and tree state (it builds nothing). */
export function describeStage(source: string): Stage {
  return { name: 'describe', title: `describe: the version of the checkout ${source} (git describe)`, script: 'build-kubernetes.sh', args: ['--source', source, '--describe'], input: 'kubernetes_source' }
}

/** The stages after the version is known (for a source build, after describeStage). */
export function planStages(request: BuildRequest): Stage[] {
  const version = request.kubernetesVersion
  const kube = request.source ? 'kubernetes_source' : 'kubernetes_version'
  const stages: Stage[] = request.source
    ? [{ name: 'compile', title: `compile: kubeadm, kubelet, kubectl and the control plane of ${version} in ${request.source}`, script: 'build-kubernetes.sh', args: ['--source', request.source], input: kube }]
    : [
        { name: 'fetch', title: `fetch: the Go modules of Kubernetes ${version}`, script: 'build-kubernetes.sh', args: ['--fetch', version], input: kube },
        { name: 'compile', title: `compile: kubeadm, kubelet, kubectl and the control plane of ${version}`, script: 'build-kubernetes.sh', args: [version], input: kube }
      ]
  stages.push({ name: 'components', title: `components: the images a ${version} node preloads (etcd, CoreDNS, pause, kube-*, kindnetd, local-path)`, script: 'build-components.sh', args: [], input: kube })
  if (!request.baseImage) {
    stages.push({ name: 'base', title: 'base: the node base from Debian bookworm packages (containerd, runc, systemd)', script: 'build-node.sh', args: ['--stage', 'base'], input: 'base_image' })
  }
  stages.push({
    name: 'node',
    title: `node: ${request.image} (Kubernetes, /kind files, preloaded images; import and commit)`,
    script: 'build-node.sh',
    args: ['--stage', 'node'],
    input: request.baseImage ? 'base_image' : kube
  })
  return stages
}

/** The environment every stage runs with: which line to build, the tag and the base. */
export function stageEnv(request: BuildRequest): Record<string, string> {
  const env: Record<string, string> = { KUBE_VERSION: request.kubernetesVersion, NODE_IMAGE: request.image }
  if (request.baseImage) env.BASE_IMAGE = request.baseImage
  return env
}

export interface KeyFacts {
  /** A hash of the builder: hack/images with its pinned versions, and the Go toolchain that compiles. */
  recipe: string
  /** The base stage's content key, or the base image's ID. */
  base: string
  /** amd64, arm64 */
  arch: string
  /** A source build's commit: its version names the commit only when it is not exactly at a tag. */
  commit?: string
}

/**
 * The cache key of a node image: everything that decides its content. The tag is not part of it (the
 * same build restored under another tag is retagged), but the version, base, builder and architecture are.
 */
export function cacheKey(request: BuildRequest, facts: KeyFacts): string {
  const base = facts.base.replace(/^sha256:/, '').slice(0, 16)
  const what = facts.commit ? `source-${facts.commit.slice(0, 14)}-${request.kubernetesVersion}` : request.kubernetesVersion
  return `kind-action-node-image-v1-${what}-${facts.arch}-base-${base}-recipe-${facts.recipe.slice(0, 16)}`
}
