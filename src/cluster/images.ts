// Making sure the images a cluster needs are on the Docker host (kind-spec §2.1): inspect first, then
// an optional image source (the image cache, passed in so this code stays free of @actions/*), then
// pull what is still missing, with kind's retry schedule and the runner's Docker credentials.
import type { CredentialLookup } from '../docker/credentials.js'
import { isWorthRetrying, pullError, type PullError } from '../docker/pull-errors.js'
import type { DockerPort, ImageInfo } from '../docker/port.js'

const RETRY_DELAYS_MS = [1000, 2000, 3000, 4000]

export interface ImageResolution {
  ref: string
  id: string
  pulled: boolean
  seconds: number
  /** Where the image came from: already on the host, restored by the image source, or pulled. */
  source: 'present' | 'cache' | 'pull'
  /** The reference to create containers with: `ref`, unless a restored image is only reachable otherwise. */
  runRef: string
}

export interface RestoredImage {
  id: string
  /** How the Engine now reaches the image (a restore may lose the repository digest of `ref`). */
  runRef: string
}

/** Somewhere images can come from before a pull. Implementations never throw: undefined means pull. */
export interface ImageSource {
  restore(ref: string): Promise<RestoredImage | undefined>
  /** Told about each pull, so that the source can keep the image for later runs. */
  pulled(ref: string, image: ImageInfo, seconds: number): void
}

export async function ensureImage(
  docker: DockerPort,
  ref: string,
  sleep = (ms: number) => new Promise(r => setTimeout(r, ms)),
  source?: ImageSource,
  credentials?: CredentialLookup
): Promise<ImageResolution> {
  const start = performance.now()
  const elapsed = (): number => (performance.now() - start) / 1000
  const present = await docker.inspectImage(ref)
  if (present) return { ref, id: present.id, pulled: false, seconds: 0, source: 'present', runRef: ref }
  const restored = await source?.restore(ref)
  if (restored) return { ref, id: restored.id, pulled: false, seconds: elapsed(), source: 'cache', runRef: restored.runRef }
  const pullStart = performance.now()
  const found = await credentials?.(ref)
  let lastError: PullError | undefined
  for (let attempt = 0; attempt <= RETRY_DELAYS_MS.length; attempt++) {
    if (attempt > 0) await sleep(RETRY_DELAYS_MS[attempt - 1])
    try {
      await docker.pullImage(ref, found?.auth)
      const pulled = await docker.inspectImage(ref)
      if (pulled) {
        source?.pulled(ref, pulled, (performance.now() - pullStart) / 1000)
        return { ref, id: pulled.id, pulled: true, seconds: elapsed(), source: 'pull', runRef: ref }
      }
    } catch (error) {
      lastError = pullError(ref, error, found?.source)
      // A refusal or a missing tag answers the same every time: no need to wait 10 s to report it.
      if (!isWorthRetrying(lastError.failure)) break
    }
  }
  if (!lastError) throw new Error(`image ${ref} was pulled but the Docker host does not list it`)
  lastError.message = `image ${ref} is not on the Docker host and ${lastError.message}`
  throw lastError
}
