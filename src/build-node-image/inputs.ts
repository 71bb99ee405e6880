// The build-node-image sub-action's inputs, read and validated before anything runs: every problem names
// its input, and all of them are reported at once.
import * as core from '@actions/core'
import { fieldReaders } from '../input-readers.js'

export interface BuildRequest {
  /** A Kubernetes release, v1.MINOR.PATCH, built from its Go modules. */
  kubernetesVersion: string
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

export function parseBuildInputs(read: Reader = name => core.getInput(name)): BuildRequest {
  const problems: string[] = []
  let kubernetesVersion = read('kubernetes_version').trim()
  const source = read('kubernetes_source').trim()
  if (source) {
    problems.push('kubernetes_source: building from a Kubernetes checkout is not supported yet; build a release with kubernetes_version')
  } else if (kubernetesVersion === '') {
    problems.push('kubernetes_version: required; the Kubernetes release to build, e.g. v1.37.2')
  } else if (!RELEASE.test(kubernetesVersion)) {
    problems.push(`kubernetes_version: "${kubernetesVersion.slice(0, 80)}" is not a Kubernetes release; write it as v1.37.2 (major, minor and patch)`)
  }
  if (kubernetesVersion && !kubernetesVersion.startsWith('v')) kubernetesVersion = `v${kubernetesVersion}`
  const baseImage = imageInput(read, 'base_image', problems)
  const image = imageInput(read, 'image', problems) ?? `kindest/node:${kubernetesVersion}`
  const cache = fieldReaders(read, problems).bool('cache', true)
  if (problems.length) throw new BuildInputError(problems)
  return { kubernetesVersion, baseImage, image, cache }
}
