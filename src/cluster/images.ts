// Making sure the images a cluster needs are on the Docker host (kind-spec §2.1): inspect first,
// pull only what is missing, with kind's retry schedule.
import type { DockerPort } from '../docker/port.js'
import { engineMessage } from '../docker/dockerode-port.js'

const RETRY_DELAYS_MS = [1000, 2000, 3000, 4000]

export interface ImageResolution {
  ref: string
  id: string
  pulled: boolean
  seconds: number
}

export async function ensureImage(
  docker: DockerPort,
  ref: string,
  sleep = (ms: number) => new Promise(r => setTimeout(r, ms))
): Promise<ImageResolution> {
  const start = performance.now()
  const present = await docker.inspectImage(ref)
  if (present) return { ref, id: present.id, pulled: false, seconds: 0 }
  let lastError: unknown
  for (let attempt = 0; attempt <= RETRY_DELAYS_MS.length; attempt++) {
    if (attempt > 0) await sleep(RETRY_DELAYS_MS[attempt - 1])
    try {
      await docker.pullImage(ref)
      const pulled = await docker.inspectImage(ref)
      if (pulled) return { ref, id: pulled.id, pulled: true, seconds: (performance.now() - start) / 1000 }
    } catch (error) {
      lastError = error
    }
  }
  throw new Error(`image ${ref} is not on the Docker host and pulling it failed: ${engineMessage(lastError)}`)
}
