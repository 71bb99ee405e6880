// The built node image as a cache entry: the `docker save` layout as a directory, which @actions/cache
// restores straight into and `docker load` reads straight out of (as the main step's image cache does).
import { readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { exportImage, importImage } from '../cache/image-dir.js'
import { parseImageRef, tagRepository } from '../cache/key.js'
import type { CacheService } from '../cache/service.js'
import type { DockerPort } from '../docker/port.js'

/** The repository and tag of a reference (registry ports kept; a digest is not a tag). */
export function splitTag(ref: string): { repo: string; tag: string } {
  return { repo: tagRepository(ref), tag: parseImageRef(ref).tag ?? 'latest' }
}

/** The image ID an entry's manifest.json names (both the legacy and the OCI layout of docker save). */
export async function entryImageId(dir: string): Promise<string> {
  const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as { Config?: string }[]
  const config = manifest[0]?.Config ?? ''
  const hex = config.match(/([0-9a-f]{64})(?:\.json)?$/)?.[1]
  if (!hex) throw new Error(`the cache entry's manifest.json names no image config (${config || 'none'})`)
  return `sha256:${hex}`
}

/** Restores `image` from the entry under `key`; false on a miss. */
export async function restoreImage(docker: DockerPort, service: CacheService, key: string, dir: string, image: string): Promise<boolean> {
  await rm(dir, { recursive: true, force: true })
  if ((await service.restore([dir], key, [])) === undefined) return false
  await importImage(docker, dir)
  const { repo, tag } = splitTag(image)
  await docker.tagImage(await entryImageId(dir), repo, tag)
  await rm(dir, { recursive: true, force: true })
  return (await docker.inspectImage(image)) !== undefined
}

/** Saves `image` under `key`; whether an entry was written. */
export async function saveImage(docker: DockerPort, service: CacheService, key: string, dir: string, image: string): Promise<boolean> {
  await exportImage(docker, image, dir)
  try {
    return await service.save([dir], key)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
