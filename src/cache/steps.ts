// The image cache's part in the two steps: what main records (state, outputs, summary fact) and what
// post saves. Kept here so that main.ts and post.ts only call in.
import type { Reporter } from '../cluster/phases.js'
import type { DockerPort } from '../docker/port.js'
import { saveImageCache, summarize, type CacheFact, type ImageCache, type ImageCacheState, type ImageCacheRecord, type SaveResult } from './image-cache.js'
import type { CacheService } from './service.js'

/** The image cache's share of the step state: written by main, read by post. */
export interface CacheRecord {
  imageCache?: ImageCacheState
  /** Images pulled by this step that post may save to the cache. */
  imagesToCache?: string[]
  cache?: CacheFact
  /** Main finished: only then are its pulls worth saving. */
  completed?: boolean
}

/** What the image cache did, for the state: for post (what to save) and for the job summary. */
export function cacheRecord(cache: ImageCache): Omit<CacheRecord, 'completed'> {
  const imageCache = cache.state()
  if (!imageCache.records.length) return {}
  const summary = summarize(imageCache.records)
  return {
    imageCache,
    imagesToCache: imageCache.records.filter(r => r.save).map(r => r.ref),
    cache: { hit: summary.hit, ...(summary.key ? { key: summary.key } : {}), detail: summary.detail }
  }
}

/** Step outputs: cache_hit and the timings, plus the per-image details as JSON. */
export function cacheOutputs(records: ImageCacheRecord[]): Record<string, string> {
  const summary = summarize(records)
  return {
    cache_hit: String(summary.hit),
    cache_restore_seconds: records.some(r => r.outcome === 'hit') ? summary.restoreSeconds.toFixed(2) : '',
    image_pull_seconds: records.some(r => r.pullSeconds !== undefined) ? summary.pullSeconds.toFixed(2) : '',
    image_cache: JSON.stringify(
      records.map(r => ({
        image: r.ref,
        outcome: r.outcome,
        ...(r.matchedKey ?? r.key ? { key: r.matchedKey ?? r.key } : {}),
        ...(r.bytes !== undefined ? { bytes: r.bytes } : {}),
        ...(r.restoreSeconds !== undefined ? { restore_seconds: r.restoreSeconds } : {}),
        ...(r.pullSeconds !== undefined ? { pull_seconds: r.pullSeconds } : {}),
        ...(r.entryPullSeconds !== undefined ? { cached_pull_seconds: r.entryPullSeconds } : {})
      }))
    )
  }
}

/**
 * Post: saves the images main pulled after a miss, and verdicts, but only when main finished: a main
 * step that failed or was cancelled may have pulled an image that is not what the job expected.
 */
export async function saveInPost(
  docker: DockerPort,
  state: CacheRecord,
  service: CacheService,
  reporter: Reporter
): Promise<SaveResult[]> {
  const cache = state.imageCache
  if (!cache) return []
  const toSave = new Set(state.imagesToCache ?? [])
  const records = cache.records
    .map(r => ({ ...r, save: Boolean(r.save && toSave.has(r.ref)) }))
    .filter(r => r.save || r.recordVerdict)
  if (!records.length) return []
  if (!state.completed) {
    reporter.info('image cache: the main step did not finish; not saving images')
    return []
  }
  return reporter.group('Saving images to the cache', () => saveImageCache({ ...cache, records }, { docker, service, reporter }))
}
