import { describe, expect, it } from 'vitest'
import { summarize, type ImageCacheRecord, type ImageCacheState } from '../../../src/cache/image-cache.js'
import type { CacheService } from '../../../src/cache/service.js'
import { cacheOutputs, saveInPost } from '../../../src/cache/steps.js'
import type { DockerPort } from '../../../src/docker/port.js'
import type { ActionState } from '../../../src/state.js'

const NODE = `kindest/node:v1.35.5@sha256:${'a'.repeat(64)}`
const LB = 'docker.io/kindest/haproxy:v1'

const hit: ImageCacheRecord = { ref: NODE, outcome: 'hit', key: 'k1', matchedKey: 'k1', bytes: 900e6, restoreSeconds: 12.345, entryPullSeconds: 30, imageId: 'sha256:x' }
const missLb: ImageCacheRecord = { ref: LB, outcome: 'miss', key: 'k2#', pullSeconds: 2.5, save: true, imageId: `sha256:${'b'.repeat(64)}` }

describe('summarize and outputs', () => {
  it('a hit for every fetched image is a cache hit', () => {
    expect(summarize([hit])).toMatchObject({ hit: true, restoreSeconds: 12.35, pullSeconds: 0, key: 'k1' })
    expect(cacheOutputs([hit])).toMatchObject({ cache_hit: 'true', cache_restore_seconds: '12.35', image_pull_seconds: '' })
  })

  it('one pulled image makes it a miss, and both timings are reported', () => {
    const s = summarize([hit, missLb])
    expect(s.hit).toBe(false)
    expect(s.detail).toBe('kindest/node:v1.35.5: restored in 12.3 s (the pull it replaced took 30.0 s); docker.io/kindest/haproxy:v1: not cached, pulled in 2.5 s, saved in post')
    const out = cacheOutputs([hit, missLb])
    expect(out).toMatchObject({ cache_hit: 'false', cache_restore_seconds: '12.35', image_pull_seconds: '2.50' })
    expect(JSON.parse(out.image_cache)).toEqual([
      { image: NODE, outcome: 'hit', key: 'k1', bytes: 900e6, restore_seconds: 12.345, cached_pull_seconds: 30 },
      { image: LB, outcome: 'miss', key: 'k2#', pull_seconds: 2.5 }
    ])
  })

  it('nothing fetched (images already on the host) is no hit', () => {
    expect(summarize([]).hit).toBe(false)
    expect(cacheOutputs([])).toMatchObject({ cache_hit: 'false', cache_restore_seconds: '', image_pull_seconds: '' })
  })

  it('says why the cache was not used', () => {
    const detail = summarize([
      { ref: 'a:1', outcome: 'pull-faster', pullSeconds: 3 },
      { ref: 'b:1', outcome: 'unavailable', pullSeconds: 4 },
      { ref: 'c:1', outcome: 'disabled', pullSeconds: 5 },
      { ref: 'd:1', outcome: 'error', pullSeconds: 6 }
    ]).detail
    expect(detail).toBe(
      'a:1: pulled in 3.0 s (the cache was slower this week); b:1: cache service unavailable, pulled in 4.0 s; ' +
        'c:1: cache off, pulled in 5.0 s; d:1: cache entry unusable, pulled in 6.0 s'
    )
  })

  it('does not claim a pull that failed', () => {
    const detail = summarize([
      { ref: 'a:1', outcome: 'unavailable' },
      { ref: 'b:1', outcome: 'miss' }
    ]).detail
    expect(detail).toBe('a:1: cache service unavailable, not pulled; b:1: not cached, not pulled')
  })
})

describe('saveInPost', () => {
  const cacheState: ImageCacheState = { policy: 'auto', platform: { os: 'linux', arch: 'amd64' }, root: '/nonexistent', records: [hit, missLb] }
  const state = (extra: Partial<ActionState>): ActionState =>
    ({ version: 1, clusterName: 'kind', owner: 'o', kubeconfigPath: '/k', creating: true, imageCache: cacheState, imagesToCache: [LB], ...extra }) as ActionState
  const reporter = () => {
    const lines: string[] = []
    return { lines, info: (m: string) => void lines.push(m), warning: (m: string) => void lines.push(`warning: ${m}`), group: <T>(_t: string, fn: () => Promise<T>) => fn() }
  }
  const unavailable: CacheService = { unavailable: () => 'no service here', restore: async () => undefined, save: async () => false }
  const docker = {} as DockerPort

  it('saves nothing when main did not finish', async () => {
    const r = reporter()
    expect(await saveInPost(docker, state({ completed: false }), unavailable, r)).toEqual([])
    expect(r.lines).toEqual(['image cache: the main step did not finish; not saving images'])
  })

  it('saves nothing and says nothing when nothing was pulled', async () => {
    const r = reporter()
    expect(await saveInPost(docker, state({ completed: true, imagesToCache: [], imageCache: { ...cacheState, records: [hit] } }), unavailable, r)).toEqual([])
    expect(r.lines).toEqual([])
  })

  it('an unavailable service is a warning', async () => {
    const r = reporter()
    expect(await saveInPost(docker, state({ completed: true }), unavailable, r)).toEqual([])
    expect(r.lines).toEqual(['warning: image cache: no service here; nothing saved'])
  })
})
