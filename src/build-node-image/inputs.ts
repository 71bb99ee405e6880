// The build-node-image sub-action's inputs, read and validated before anything runs: every problem names
// its input, and all of them are reported at once.
import * as core from '@actions/core'
import { existsSync, statSync } from 'node:fs'
import { isAbsolute, join, resolve } from 'node:path'
import { fieldReaders } from '../input-readers.js'

export interface BuildRequest {
  /**
   * A Kubernetes release, v1.MINOR.PATCH, built from its Go modules; for a source build, the checkout's
   * version (git describe, as Kubernetes' build makes it), known once the describe stage has run.
   */
  kubernetesVersion: string
  /** An absolute path to a kubernetes/kubernetes checkout, built in place (kind's --type source). */
  source?: string
  /** An image with kind's base layout to build on; undefined builds the base here from Debian packages. */
  baseImage?: string
  /** The tag the node image gets. */
  image: string
  cache: boolean
}

export class BuildInputError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('; '))
  }
}

type Reader = (name: string) => string

const RELEASE = /^v?1\.\d{1,3}\.\d{1,4}$/
// Docker's reference grammar, loosely: [host[:port]/]path[:tag][@digest], lower-case path components.
const IMAGE_REF = /^(?:[a-z0-9.-]+(?::\d+)?\/)?[a-z0-9]+(?:[._-]+[a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-]+[a-z0-9]+)*)*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[0-9a-f]{64})?$/

function imageInput(read: Reader, name: string, problems: string[]): string | undefined {
  const value = read(name).trim()
  if (value === '') return undefined
  if (value.length > 255 || !IMAGE_REF.test(value)) problems.push(`${name}: "${value.slice(0, 80)}" is not an image reference such as kindest/node:v1.37.2`)
  return value
}

/** The checkout's path, resolved against the workspace as the runner resolves paths; checked to be Kubernetes. */
function sourceInput(value: string, workspace: string, problems: string[]): string | undefined {
  const path = isAbsolute(value) ? value : resolve(workspace, value)
  const shown = value === path ? path : `${value} (${path})`
  if (!existsSync(path) || !statSync(path).isDirectory()) {
    problems.push(`kubernetes_source: ${shown} is not a directory; give the path of a kubernetes/kubernetes checkout (actions/checkout with fetch-depth: 0)`)
  } else if (!existsSync(join(path, 'cmd', 'kubeadm')) || !existsSync(join(path, 'go.mod'))) {
    problems.push(`kubernetes_source: ${shown} is not a Kubernetes checkout (no go.mod with cmd/kubeadm)`)
  } else {
    return path
  }
  return undefined
}

/** The default tag: kubeadm's rule for image tags, which cannot hold the "+" of a source build's version. */
export function defaultNodeImage(kubernetesVersion: string): string {
  return `kindest/node:${kubernetesVersion.replace(/\+/g, '_')}`
}

export function parseBuildInputs(read: Reader = name => core.getInput(name), workspace = process.env.GITHUB_WORKSPACE || process.cwd()): BuildRequest {
  const problems: string[] = []
  let kubernetesVersion = read('kubernetes_version').trim()
  const sourceValue = read('kubernetes_source').trim()
  let source: string | undefined
  if (sourceValue && kubernetesVersion) {
    problems.push('kubernetes_version and kubernetes_source: give one; a source build takes its version from the checkout (git describe)')
  } else if (sourceValue) {
    source = sourceInput(sourceValue, workspace, problems)
  } else if (kubernetesVersion === '') {
    problems.push('kubernetes_version: required (or kubernetes_source); the Kubernetes release to build, e.g. v1.37.2')
  } else if (!RELEASE.test(kubernetesVersion)) {
    problems.push(`kubernetes_version: "${kubernetesVersion.slice(0, 80)}" is not a Kubernetes release; write it as v1.37.2 (major, minor and patch)`)
  }
  if (kubernetesVersion && !kubernetesVersion.startsWith('v')) kubernetesVersion = `v${kubernetesVersion}`
  const baseImage = imageInput(read, 'base_image', problems)
  // A source build's default tag waits for its version (withSourceVersion).
  const image = imageInput(read, 'image', problems) ?? (source ? '' : defaultNodeImage(kubernetesVersion))
  const cache = fieldReaders(read, problems).bool('cache', true)
  if (problems.length) throw new BuildInputError(problems)
  return source ? { kubernetesVersion: '', source, baseImage, image, cache } : { kubernetesVersion, baseImage, image, cache }
}

/** What `build-kubernetes.sh --source DIR --describe` says of the checkout. */
export interface SourceDescription {
  version: string
  commit: string
  dirty: boolean
}

export function parseSourceDescription(output: string): SourceDescription {
  const fields = Object.fromEntries(output.split('\n').map(line => line.split('=', 2)).filter(p => p.length === 2))
  if (!fields.version || !fields.commit || !fields.tree) throw new Error(`unexpected description of the checkout: ${output.trim().slice(0, 200)}`)
  return { version: fields.version, commit: fields.commit, dirty: fields.tree === 'dirty' }
}

/** The request once the checkout's version is known: the version, and the default tag made from it. */
export function withSourceVersion(request: BuildRequest, described: SourceDescription): BuildRequest {
  return { ...request, kubernetesVersion: described.version, image: request.image || defaultNodeImage(described.version) }
}
