// An image as a cache entry on disk: the directory `docker save` would produce as a tar, plus one
// metadata file. Keeping the directory (not a tar file) is what lets @actions/cache restore straight
// into it and us stream it straight into `docker load`: no tar file is written in between, either way.
import { readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { DockerPort } from '../docker/port.js'
import { CACHE_FORMAT_VERSION, type Platform } from './key.js'
import { extractTar, packDirectory, type TarStats } from '../archive/tar.js'

/** Not part of the docker-save layout: never sent to `docker load`. */
export const METADATA_FILE = 'kind-action-image.json'

export interface EntryMetadata {
  format: typeof CACHE_FORMAT_VERSION
  /** The reference the image was pulled by. */
  ref: string
  /** The repository digest the entry is keyed by (digest references), as the Engine reported it after the pull. */
  digest?: string
  /** The image ID (config digest) that `docker load` must reproduce. */
  imageId: string
  platform: Platform
  /** Bytes of the docker-save content. */
  bytes: number
  /** The pull this entry saves later runs from: what a restore has to beat. */
  pull: { seconds: number; at: string }
  savedAt: string
}

/** `docker save <image>` (an image ID, or a reference to keep its tag) streamed into `dir` (which is emptied first). */
export async function exportImage(docker: DockerPort, image: string, dir: string): Promise<TarStats> {
  await rm(dir, { recursive: true, force: true })
  const archive = await docker.saveImages([image])
  return extractTar(archive, dir)
}

/** The directory streamed into `docker load` as a tar, without the metadata file. */
export async function importImage(docker: DockerPort, dir: string): Promise<TarStats> {
  const stats: TarStats = { files: 0, bytes: 0 }
  await docker.loadImages(packDirectory(dir, { skip: [METADATA_FILE], stats }))
  return stats
}

export async function writeMetadata(dir: string, metadata: EntryMetadata): Promise<void> {
  await writeFile(join(dir, METADATA_FILE), `${JSON.stringify(metadata, null, 2)}\n`)
}

/** The entry's metadata; an error when it is missing or not of this format version. */
export async function readMetadata(dir: string): Promise<EntryMetadata> {
  let value: Partial<EntryMetadata>
  try {
    value = JSON.parse(await readFile(join(dir, METADATA_FILE), 'utf8')) as Partial<EntryMetadata>
  } catch (error) {
    throw new Error(`the cache entry has no readable ${METADATA_FILE}: ${(error as Error).message}`)
  }
  if (value.format !== CACHE_FORMAT_VERSION) throw new Error(`the cache entry has format ${String(value.format)}, expected ${CACHE_FORMAT_VERSION}`)
  if (typeof value.imageId !== 'string' || !/^sha256:[0-9a-f]{64}$/.test(value.imageId)) throw new Error('the cache entry names no image ID')
  if (typeof value.pull?.seconds !== 'number') throw new Error('the cache entry has no pull figures')
  return value as EntryMetadata
}
