// The image cache: restores images into the Docker Engine in the main step (the ImageSource the cluster
// code asks before pulling), and saves the pulled ones in the post step. Nothing here ever fails the
// action: every problem is a warning, and the image is pulled instead.
import { mkdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ImageSource, RestoredImage } from '../cluster/images.js'
import type { Reporter } from '../cluster/phases.js'
import type { DockerPort, ImageInfo } from '../docker/port.js'
import type { CachePolicy } from './policy.js'
import { exportImage, importImage, readMetadata, writeMetadata, type EntryMetadata } from './image-dir.js'
import { imageIdFromKey, parseImageRef, platformOf, restoreKeys, saveKey, tagRepository, verdictKey, type Platform } from './key.js'
import { afterVerdict, planRestore, shouldRecordVerdict, shouldSave } from './policy.js'
import type { CacheService } from './service.js'

export type ImageOutcome = 'hit' | 'miss' | 'pull-faster' | 'unavailable' | 'disabled' | 'error'

/** What happened to one image, kept in the action state for post, outputs and the summary. */
export interface ImageCacheRecord {
  ref: string
  outcome: ImageOutcome
  /** The key looked up (a prefix for tag-only references). */
  key?: string
  /** The key that matched, on a hit. */
  matchedKey?: string
  imageId?: string
  /** Repository digests the Engine reported after a pull. */
  repoDigests?: string[]
  /** Bytes of image content restored, or the image size after a pull. */
  bytes?: number
  restoreSeconds?: number
  /** The parts of a restore: cache lookup, download and extraction; `docker load`. restoreSeconds is all of it, verification included. */
  downloadSeconds?: number
  loadSeconds?: number
  pullSeconds?: number
  /** The pull time recorded in the restored entry: what the restore competed with. */
  entryPullSeconds?: number
  /** Post should save a "pull was faster" verdict for this image. */
  recordVerdict?: boolean
  /** Post should save the pulled image. */
  save?: boolean
}

/** Whether the node image came from the image cache; shown in the job summary. */
export interface CacheFact {
  hit: boolean
  key?: string
  /** A few words, e.g. timings or why the cache was skipped. */
  detail?: string
}

export interface ImageCacheState {
  policy: CachePolicy
  platform: Platform
  /** The directory under which entries are restored and saved (part of the cache version: keep it stable). */
  root: string
  records: ImageCacheRecord[]
}

export interface ImageCacheOptions {
  docker: DockerPort
  service: CacheService
  policy: CachePolicy
  reporter: Pick<Reporter, 'info' | 'warning'>
  /** Default: $RUNNER_TEMP/kind-action-image-cache. */
  root?: string
  now?: () => Date
}

/** Where entries live on the runner: a stable path, because @actions/cache versions entries by their paths. */
export function defaultCacheRoot(env: Record<string, string | undefined> = process.env): string {
  return join(env.RUNNER_TEMP || tmpdir(), 'kind-action-image-cache')
}

const round = (seconds: number): number => Math.round(seconds * 100) / 100
const since = (start: number): number => round((performance.now() - start) / 1000)

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

export class ImageCache implements ImageSource {
  readonly records: ImageCacheRecord[] = []
  private platform?: Promise<Platform>
  private resolvedPlatform?: Platform
  private warnedUnavailable = false
  readonly root: string
  private readonly now: () => Date

  constructor(private readonly options: ImageCacheOptions) {
    this.root = options.root ?? defaultCacheRoot()
    this.now = options.now ?? (() => new Date())
  }

  private async getPlatform(): Promise<Platform> {
    this.platform ??= this.options.docker.info().then(info => (this.resolvedPlatform = platformOf(info.raw)))
    return this.platform
  }

  private record(ref: string): ImageCacheRecord {
    let record = this.records.find(r => r.ref === ref)
    if (!record) {
      record = { ref, outcome: 'miss' }
      this.records.push(record)
    }
    return record
  }

  async restore(ref: string): Promise<RestoredImage | undefined> {
    const { service, policy, reporter } = this.options
    const record = this.record(ref)
    const reason = service.unavailable()
    let plan = planRestore(policy, reason === undefined)
    if (plan.action === 'pull') {
      record.outcome = plan.reason === 'disabled' ? 'disabled' : 'unavailable'
      if (plan.reason === 'unavailable' && !this.warnedUnavailable) {
        this.warnedUnavailable = true
        reporter.warning(`image cache: ${reason}; pulling images instead`)
      }
      return undefined
    }
    const start = performance.now()
    let dir: string | undefined
    try {
      const platform = await this.getPlatform()
      const keys = restoreKeys(ref, platform)
      record.key = keys.lookup
      if (plan.checkVerdict) {
        const verdictDir = join(this.root, 'verdicts', keys.slug)
        plan = afterVerdict((await service.restore([verdictDir], verdictKey(keys.lookup, this.now()), [], true)) !== undefined)
        if (plan.action === 'pull') {
          record.outcome = 'pull-faster'
          reporter.info(`image cache: restoring ${ref} was slower than pulling it earlier this week; pulling`)
          return undefined
        }
      }
      dir = join(this.root, keys.slug)
      await rm(dir, { recursive: true, force: true })
      const downloadStart = performance.now()
      const matched = await service.restore([dir], keys.lookup, keys.restoreKeys)
      if (!matched) {
        record.outcome = 'miss'
        reporter.info(`image cache: no entry for ${ref} (${keys.lookup}); pulling`)
        return undefined
      }
      record.matchedKey = matched
      record.downloadSeconds = since(downloadStart)
      const metadata = await readMetadata(dir)
      this.checkEntry(ref, matched, metadata, platform)
      const loadStart = performance.now()
      const loaded = await importImage(this.options.docker, dir)
      record.loadSeconds = since(loadStart)
      const image = await this.options.docker.inspectImage(metadata.imageId)
      if (!image || image.id !== metadata.imageId) {
        throw new Error(`docker load did not produce image ${metadata.imageId} (the entry is not the image it names)`)
      }
      const runRef = await this.makeReferable(ref, metadata.imageId)
      record.outcome = 'hit'
      record.imageId = metadata.imageId
      record.bytes = loaded.bytes
      record.restoreSeconds = since(start)
      record.entryPullSeconds = metadata.pull.seconds
      record.recordVerdict = shouldRecordVerdict(policy, record.restoreSeconds, metadata.pull.seconds)
      const mb = loaded.bytes / 1e6
      reporter.info(
        `image cache: restored ${ref} (${mb.toFixed(0)} MB) in ${record.restoreSeconds.toFixed(1)} s ` +
          `(download ${record.downloadSeconds.toFixed(1)} s, docker load ${record.loadSeconds.toFixed(1)} s, ` +
          `${(mb / Math.max(record.restoreSeconds, 0.01)).toFixed(0)} MB/s); pulling it took ${metadata.pull.seconds.toFixed(1)} s`
      )
      if (record.recordVerdict) {
        reporter.info('image cache: that restore was slower than the pull; until next week this image will be pulled')
      }
      return { id: metadata.imageId, runRef }
    } catch (error) {
      record.outcome = 'error'
      reporter.warning(`image cache: restoring ${ref} failed, pulling instead: ${describeError(error)}`)
      return undefined
    } finally {
      if (dir) await rm(dir, { recursive: true, force: true }).catch(() => undefined)
    }
  }

  /** The entry must be the image the key names: same digest or image ID, same platform. */
  private checkEntry(ref: string, matchedKey: string, metadata: EntryMetadata, platform: Platform): void {
    const wanted = parseImageRef(ref)
    if (metadata.platform?.os !== platform.os || metadata.platform?.arch !== platform.arch) {
      throw new Error(`the entry is for ${metadata.platform?.os}/${metadata.platform?.arch}, this Docker is ${platform.os}/${platform.arch}`)
    }
    if (wanted.digest) {
      if (metadata.digest !== wanted.digest) throw new Error(`the entry holds digest ${metadata.digest}, expected ${wanted.digest}`)
    } else {
      const keyed = imageIdFromKey(matchedKey)
      if (keyed !== metadata.imageId) throw new Error(`the entry holds image ${metadata.imageId}, its key names ${keyed}`)
    }
  }

  /**
   * After `docker load`, makes the image reachable by its tag and returns the reference containers
   * should be created with. `docker save`/`load` keep the image ID (the config digest) but, with the
   * classic image store, not the repository digest: a `name:tag@sha256:` reference then resolves to
   * nothing, and the image is used by its tag if that names it, else by its ID.
   */
  private async makeReferable(ref: string, imageId: string): Promise<string> {
    const { docker } = this.options
    const parsed = parseImageRef(ref)
    const repository = tagRepository(ref)
    if (parsed.tag) await docker.tagImage(imageId, repository, parsed.tag)
    if ((await docker.inspectImage(ref))?.id === imageId) return ref
    const tagged = parsed.tag ? `${repository}:${parsed.tag}` : undefined
    if (tagged && (await docker.inspectImage(tagged))?.id === imageId) return tagged
    return imageId
  }

  pulled(ref: string, image: ImageInfo, seconds: number): void {
    const record = this.record(ref)
    record.imageId = image.id
    record.repoDigests = image.repoDigests
    record.bytes = image.size
    record.pullSeconds = round(seconds)
    record.save = shouldSave(this.options.policy, record.outcome)
  }

  state(): ImageCacheState {
    return {
      policy: this.options.policy,
      platform: this.resolvedPlatform ?? { os: 'linux', arch: 'amd64' },
      root: this.root,
      records: this.records.map(r => ({ ...r }))
    }
  }
}

/** Summary figures of a run, for outputs and the job summary. */
export interface CacheSummary {
  /** True when every image this step had to fetch came from the cache (and there was at least one). */
  hit: boolean
  restoreSeconds: number
  pullSeconds: number
  key?: string
  detail: string
}

export function summarize(records: ImageCacheRecord[]): CacheSummary {
  const fetched = records.filter(r => r.outcome === 'hit' || r.pullSeconds !== undefined)
  const hits = fetched.filter(r => r.outcome === 'hit')
  const restoreSeconds = round(hits.reduce((s, r) => s + (r.restoreSeconds ?? 0), 0))
  const pullSeconds = round(fetched.reduce((s, r) => s + (r.pullSeconds ?? 0), 0))
  // No pullSeconds: the pull did not happen or failed (the step's error says which).
  const pulled = (r: ImageCacheRecord): string => (r.pullSeconds === undefined ? 'not pulled' : `pulled in ${r.pullSeconds.toFixed(1)} s`)
  const parts = records.map(r => {
    const name = r.ref.replace(/@sha256:[0-9a-f]{64}$/, '')
    switch (r.outcome) {
      case 'hit':
        return `${name}: restored in ${r.restoreSeconds?.toFixed(1)} s (the pull it replaced took ${r.entryPullSeconds?.toFixed(1)} s)`
      case 'pull-faster':
        return `${name}: ${pulled(r)} (the cache was slower this week)`
      case 'miss':
        return `${name}: not cached, ${pulled(r)}${r.save ? ', saved in post' : ''}`
      case 'disabled':
        return `${name}: cache off, ${pulled(r)}`
      case 'unavailable':
        return `${name}: cache service unavailable, ${pulled(r)}`
      case 'error':
        return `${name}: cache entry unusable, ${pulled(r)}`
    }
  })
  const first = records.find(r => r.outcome === 'hit') ?? records[0]
  return {
    hit: hits.length > 0 && hits.length === fetched.length,
    restoreSeconds,
    pullSeconds,
    ...(first?.matchedKey ?? first?.key ? { key: first.matchedKey ?? first.key } : {}),
    detail: parts.join('; ')
  }
}

export interface SaveOptions {
  docker: DockerPort
  service: CacheService
  reporter: Pick<Reporter, 'info' | 'warning'>
  now?: () => Date
}

export interface SaveResult {
  ref: string
  key: string
  saved: boolean
  seconds: number
  bytes?: number
}

/** The post step's part: saves pulled images and verdicts. Never throws. */
export async function saveImageCache(state: ImageCacheState, options: SaveOptions): Promise<SaveResult[]> {
  const { docker, service, reporter } = options
  const now = options.now ?? (() => new Date())
  const results: SaveResult[] = []
  const reason = service.unavailable()
  if (reason) {
    if (state.records.some(r => r.save || r.recordVerdict)) reporter.warning(`image cache: ${reason}; nothing saved`)
    return results
  }
  for (const record of state.records) {
    const start = performance.now()
    const keys = restoreKeys(record.ref, state.platform)
    if (record.save && record.imageId) {
      let key = keys.lookup
      const dir = join(state.root, keys.slug)
      try {
        key = saveKey(record.ref, state.platform, record.imageId)
        const wanted = parseImageRef(record.ref)
        // A digest key promises that digest: only save what the Engine says it pulled by it.
        const digests = (record.repoDigests ?? []).map(d => parseImageRef(d))
        if (wanted.digest && !digests.some(d => d.digest === wanted.digest && d.repository === wanted.repository)) {
          reporter.info(`image cache: ${record.ref} was not pulled by its digest (repo digests: ${record.repoDigests?.join(', ') || 'none'}); not saving it`)
          continue
        }
        if (await service.restore([dir], key, [], true)) {
          reporter.info(`image cache: ${key} is already saved (another job was first)`)
          results.push({ ref: record.ref, key, saved: false, seconds: since(start) })
          continue
        }
        const image = await docker.inspectImage(record.imageId)
        if (!image) throw new Error(`image ${record.imageId} is no longer on the Docker host`)
        const exported = await exportImage(docker, record.imageId, dir)
        const metadata: EntryMetadata = {
          format: 1,
          ref: record.ref,
          ...(wanted.digest ? { digest: wanted.digest } : {}),
          imageId: record.imageId,
          platform: state.platform,
          bytes: exported.bytes,
          pull: { seconds: record.pullSeconds ?? 0, at: now().toISOString() },
          savedAt: now().toISOString()
        }
        await writeMetadata(dir, metadata)
        const saved = await service.save([dir], key)
        const seconds = since(start)
        results.push({ ref: record.ref, key, saved, seconds, bytes: exported.bytes })
        reporter.info(
          saved
            ? `image cache: saved ${record.ref} (${(exported.bytes / 1e6).toFixed(0)} MB) as ${key} in ${seconds.toFixed(1)} s`
            : `image cache: ${record.ref} was not saved (see the message above)`
        )
      } catch (error) {
        reporter.warning(`image cache: saving ${record.ref} failed: ${describeError(error)}`)
        results.push({ ref: record.ref, key, saved: false, seconds: since(start) })
      } finally {
        await rm(dir, { recursive: true, force: true }).catch(() => undefined)
      }
    }
    if (record.recordVerdict) {
      const key = verdictKey(keys.lookup, now())
      const dir = join(state.root, 'verdicts', keys.slug)
      try {
        await rm(dir, { recursive: true, force: true })
        await mkdir(dir, { recursive: true })
        const verdict = { ref: record.ref, restoreSeconds: record.restoreSeconds, entryPullSeconds: record.entryPullSeconds, at: now().toISOString() }
        await writeFile(join(dir, 'verdict.json'), `${JSON.stringify(verdict)}\n`)
        const saved = await service.save([dir], key)
        results.push({ ref: record.ref, key, saved, seconds: since(start) })
        if (saved) reporter.info(`image cache: recorded that pulling ${record.ref} is faster this week (${key})`)
      } catch (error) {
        reporter.warning(`image cache: recording the verdict for ${record.ref} failed: ${describeError(error)}`)
      } finally {
        await rm(dir, { recursive: true, force: true }).catch(() => undefined)
      }
    }
  }
  return results
}
