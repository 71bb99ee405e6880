// The image cache against a real Docker Engine and a real cache service protocol served locally.
// What stands in for GitHub: nektos/act's artifact cache server (an implementation independent of GitHub
// and of @actions/cache) on 127.0.0.1, speaking the v1 REST protocol, which @actions/cache 6 uses when
// ACTIONS_CACHE_URL is set without ACTIONS_CACHE_SERVICE_V2. github.com runners use the v2 twirp protocol
// with Azure blob storage instead; the code under test is the same (it only calls restoreCache/saveCache).
// No registry is reachable here, so a "pull" is simulated by tagging a kept copy of the image.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, rmSync, truncateSync, writeFileSync, mkdirSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { ImageCache, saveImageCache, type ImageCacheState } from '../../../src/cache/image-cache.js'
import { exportImage, writeMetadata } from '../../../src/cache/image-dir.js'
import { platformOf, restoreKeys, saveKey } from '../../../src/cache/key.js'
import { ActionsCacheService } from '../../../src/cache/service.js'
import { ensureImage } from '../../../src/cluster/images.js'
import { DockerodePort } from '../../../src/docker/dockerode-port.js'
import type { DockerPort, ImageInfo } from '../../../src/docker/port.js'
import type { CachePolicy } from '../../../src/cache/policy.js'
import { BUSYBOX_IMAGE, ensureBusyboxImage } from '../../helpers/docker.js'
import { startCacheServer, useCacheService, type CacheServer } from '../../helpers/github-services.js'
import { serveImage } from './registry.js'

const docker = new DockerodePort()
const service = new ActionsCacheService()
const run = `kat-cache-${randomBytes(3).toString('hex')}`
const created: string[] = []
const work = mkdtempSync(join(tmpdir(), 'kat-image-cache-'))
const NOW = new Date('2026-08-19T12:00:00Z')
let server: CacheServer
let restoreEnv: () => void

function sh(cmd: string, args: string[], input?: string): string {
  return execFileSync(cmd, args, { encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, DOCKER_BUILDKIT: '0' } }).trim()
}

/** Builds an image from a Dockerfile; a unique label makes its ID unique to this run. */
function build(tag: string, dockerfile: string): string {
  const dir = mkdtempSync(join(work, 'build-'))
  writeFileSync(join(dir, 'Dockerfile'), `FROM ${BUSYBOX_IMAGE}\nLABEL kat.run=${run}-${tag.replace(/[^\w]/g, '_')}\n${dockerfile}`)
  sh('docker', ['build', '-q', '-t', tag, dir])
  created.push(tag)
  return sh('docker', ['image', 'inspect', '-f', '{{.Id}}', tag])
}

function layersOf(ref: string): string {
  return sh('docker', ['image', 'inspect', '-f', '{{json .RootFS.Layers}}', ref])
}

/** Removes every tag of the image and the image itself, as on a fresh runner. */
function removeImage(id: string): void {
  sh('docker', ['rmi', '-f', id])
}

function reporter() {
  const infos: string[] = []
  const warnings: string[] = []
  return { infos, warnings, info: (m: string) => void infos.push(m), warning: (m: string) => void warnings.push(m) }
}

/** A Docker port whose pulls are served by tagging a kept copy (no registry is reachable here). */
function pullingFrom(copies: Record<string, string>): DockerPort & { pulls: string[] } {
  const pulls: string[] = []
  const port = Object.create(docker) as DockerPort & { pulls: string[] }
  port.pulls = pulls
  port.pullImage = async (ref: string) => {
    pulls.push(ref)
    const copy = copies[ref]
    if (!copy) throw new Error(`no registry here for ${ref}`)
    // A copy is another tag of the image, or a `docker save` file (when even the layers must be gone).
    if (copy.startsWith('/')) {
      sh('docker', ['load', '-i', copy])
      return
    }
    const colon = ref.lastIndexOf(':')
    await docker.tagImage(copy, ref.slice(0, colon), ref.slice(colon + 1))
  }
  return port
}

const noSleep = async (): Promise<void> => undefined

/** Main's part after a pull, then post's part: saves the image under its key. */
async function pullAndSave(ref: string, info: ImageInfo, pullSeconds = 3, policy: CachePolicy = 'auto'): Promise<ImageCacheState> {
  const log = reporter()
  const cache = new ImageCache({ docker, service, policy, reporter: log, root: join(work, 'root'), now: () => NOW })
  expect(await cache.restore(ref)).toBeUndefined()
  cache.pulled(ref, info, pullSeconds)
  const state = cache.state()
  const results = await saveImageCache(state, { docker, service, reporter: log, now: () => NOW })
  expect(results.map(r => r.saved)).toEqual([true])
  expect(log.warnings).toEqual([])
  return state
}

async function imageInfo(ref: string): Promise<ImageInfo> {
  const info = await docker.inspectImage(ref)
  if (!info) throw new Error(`${ref} is not there`)
  return info
}

beforeAll(async () => {
  await ensureBusyboxImage()
  server = await startCacheServer()
  restoreEnv = useCacheService(server.url, join(work, 'runner-temp'))
}, 180_000)

afterEach(() => {
  vi.restoreAllMocks()
})

afterAll(async () => {
  restoreEnv?.()
  await server?.stop()
  for (const tag of created) {
    try {
      sh('docker', ['rmi', '-f', tag])
    } catch {
      // already gone
    }
  }
  rmSync(work, { recursive: true, force: true })
})

describe('image cache round trip through the cache service', () => {
  it('restores a small tag-only image byte-identical (same image ID and layers) and names it by its tag', async () => {
    const ref = `${run}/busybox:v1`
    const id = build(ref, '')
    const layers = layersOf(ref)
    const state = await pullAndSave(ref, await imageInfo(ref))
    expect(state.records[0]).toMatchObject({ outcome: 'miss', save: true, imageId: id })

    removeImage(id)
    const log = reporter()
    const cache = new ImageCache({ docker, service, policy: 'true', reporter: log, root: join(work, 'root'), now: () => NOW })
    const port = pullingFrom({})
    const resolved = await ensureImage(port, ref, noSleep, cache)
    expect(port.pulls).toEqual([])
    expect(resolved).toMatchObject({ ref, id, source: 'cache', runRef: ref })
    expect(layersOf(ref)).toBe(layersOf(id))
    expect(layersOf(id)).toBe(layers)
    expect(cache.records[0]).toMatchObject({ outcome: 'hit', imageId: id, entryPullSeconds: 3 })
    expect(cache.records[0].matchedKey).toBe(saveKey(ref, platformOf((await docker.info()).raw), id))
    expect(log.warnings).toEqual([])
    // The restored directory is gone: the image lives in the Engine only.
    expect(readdirSync(join(work, 'root')).filter(n => !n.startsWith('verdicts'))).toEqual([])
  })

  it('restores a multi-layer image with symlinks, hard links and long paths; a digest reference runs by its tag', async () => {
    const tagged = `${run}/multi:v2`
    const id = build(
      tagged,
      [
        'RUN dd if=/dev/urandom of=/random.bin bs=1M count=6 2>/dev/null',
        'RUN mkdir -p /deep/' + 'd'.repeat(60) + '/' + 'e'.repeat(60) + ' && echo long > /deep/' + 'd'.repeat(60) + '/' + 'e'.repeat(60) + '/' + 'f'.repeat(80) + '.txt',
        'RUN ln -s /random.bin /link && ln /random.bin /hard && mkdir /empty',
        'RUN rm /hard && echo changed > /etc/motd'
      ].join('\n')
    )
    const layers = layersOf(tagged)
    expect(JSON.parse(layers)).toHaveLength(5)
    // No registry can give this image a repository digest here; the Engine's word for it is simulated,
    // which is what post checks before saving under a digest key.
    const digest = `sha256:${randomBytes(32).toString('hex')}`
    const ref = `${tagged}@${digest}`
    const info = await imageInfo(tagged)
    await pullAndSave(ref, { ...info, repoDigests: [`${run}/multi@${digest}`] }, 7.5)

    removeImage(id)
    const log = reporter()
    const cache = new ImageCache({ docker, service, policy: 'auto', reporter: log, root: join(work, 'root'), now: () => NOW })
    const port = pullingFrom({})
    const resolved = await ensureImage(port, ref, noSleep, cache)
    expect(port.pulls).toEqual([])
    // docker load keeps the image ID (config digest) but not the repository digest: containers use the tag.
    expect(resolved).toMatchObject({ id, source: 'cache', runRef: tagged })
    expect(layersOf(tagged)).toBe(layers)
    expect(cache.records[0]).toMatchObject({ outcome: 'hit', key: restoreKeys(ref, platformOf((await docker.info()).raw)).lookup })
    expect(cache.records[0].bytes).toBeGreaterThan(6_000_000)
    const content = sh('docker', ['run', '--rm', tagged, 'sh', '-c', 'readlink /link; cat /deep/*/*/*.txt; cat /etc/motd; test -d /empty && echo dir'])
    expect(content.split('\n')).toEqual(['/random.bin', 'long', 'changed', 'dir'])
  })

  it('does not save under a digest key what the Engine did not pull by that digest', async () => {
    const tagged = `${run}/nodigest:v1`
    build(tagged, 'RUN echo x > /x')
    const ref = `${tagged}@sha256:${'0'.repeat(64)}`
    const log = reporter()
    const cache = new ImageCache({ docker, service, policy: 'auto', reporter: log, root: join(work, 'root'), now: () => NOW })
    await cache.restore(ref)
    cache.pulled(ref, await imageInfo(tagged), 1)
    expect(await saveImageCache(cache.state(), { docker, service, reporter: log })).toEqual([])
    expect(log.infos.join('\n')).toMatch(/was not pulled by its digest/)
  })
})

describe('an image really pulled by digest (from a registry of ours on 127.0.0.1)', () => {
  it('is saved under its digest key after the miss and restored without the registry, run by its tag', async () => {
    const local = `${run}/pulled:src`
    const id = build(local, 'RUN dd if=/dev/urandom of=/r bs=1M count=3 2>/dev/null && echo pulled > /p')
    const registry = await serveImage(local, `${run}/node`, 'v1', work)
    const ref = `${registry.host}/${run}/node:v1@${registry.digest}`
    created.push(`${registry.host}/${run}/node:v1`)
    try {
      removeImage(id)
      // Main, first run: nothing cached, a real pull.
      const first = new ImageCache({ docker, service, policy: 'auto', reporter: reporter(), root: join(work, 'root'), now: () => NOW })
      const pulled = await ensureImage(docker, ref, noSleep, first)
      expect(pulled).toMatchObject({ source: 'pull', id, runRef: ref })
      expect(first.records[0]).toMatchObject({ outcome: 'miss', save: true, repoDigests: [`${registry.host}/${run}/node@${registry.digest}`] })
      // Post.
      const log = reporter()
      expect((await saveImageCache(first.state(), { docker, service, reporter: log, now: () => NOW })).map(r => r.saved)).toEqual([true])
      expect(log.warnings).toEqual([])
    } finally {
      await registry.stop()
    }

    // Main, next run on a fresh runner, with the registry gone: the cache alone provides the image.
    removeImage(id)
    const next = new ImageCache({ docker, service, policy: 'auto', reporter: reporter(), root: join(work, 'root'), now: () => NOW })
    const restored = await ensureImage(docker, ref, noSleep, next)
    expect(restored).toMatchObject({ source: 'cache', id })
    // With the classic image store (this Engine), docker load does not bring the repository digest back:
    // the digest reference resolves to nothing, so containers are created by the tag, which names the
    // verified image. (With the containerd image store the reference itself would resolve and be used.)
    const digestResolves = (await docker.inspectImage(ref))?.id === id
    expect(restored.runRef).toBe(digestResolves ? ref : `${registry.host}/${run}/node:v1`)
    expect(sh('docker', ['run', '--rm', restored.runRef, 'cat', '/p'])).toBe('pulled')
  })
})

describe('auto: a restore slower than the pull it replaces', () => {
  it('records a verdict in post, then pulls for the rest of the week; true still restores', async () => {
    const ref = `${run}/verdict:v1`
    const id = build(ref, 'RUN dd if=/dev/urandom of=/r bs=1M count=2 2>/dev/null')
    sh('docker', ['tag', ref, `${run}/registry-copy:verdict`])
    created.push(`${run}/registry-copy:verdict`)
    // The entry says the pull took 1 ms: no restore can beat that.
    await pullAndSave(ref, await imageInfo(ref), 0.001)

    sh('docker', ['rmi', ref])
    // A restore of this small image takes well under a second: docker load is slowed down past the
    // noise margin so that it loses.
    const slowLoad = Object.create(docker) as DockerPort
    slowLoad.loadImages = async archive => {
      await new Promise(r => setTimeout(r, 1500))
      return docker.loadImages(archive)
    }
    const first = new ImageCache({ docker: slowLoad, service, policy: 'auto', reporter: reporter(), root: join(work, 'root'), now: () => NOW })
    expect((await ensureImage(pullingFrom({}), ref, noSleep, first)).source).toBe('cache')
    expect(first.records[0]).toMatchObject({ outcome: 'hit', recordVerdict: true })
    const saved = await saveImageCache(first.state(), { docker, service, reporter: reporter(), now: () => NOW })
    expect(saved).toEqual([expect.objectContaining({ saved: true, key: expect.stringMatching(/^kind-action-image-verdict-v1-2026w34-/) })])

    sh('docker', ['rmi', ref])
    const log = reporter()
    const second = new ImageCache({ docker, service, policy: 'auto', reporter: log, root: join(work, 'root'), now: () => NOW })
    const port = pullingFrom({ [ref]: `${run}/registry-copy:verdict` })
    const resolved = await ensureImage(port, ref, noSleep, second)
    expect(resolved).toMatchObject({ source: 'pull', id })
    expect(port.pulls).toEqual([ref])
    expect(second.records[0]).toMatchObject({ outcome: 'pull-faster', save: false })
    expect(log.infos.join('\n')).toMatch(/slower than pulling it earlier this week/)

    // Next week the verdict no longer applies: auto measures the cache again.
    sh('docker', ['rmi', ref])
    const nextWeek = new ImageCache({ docker, service, policy: 'auto', reporter: reporter(), root: join(work, 'root'), now: () => new Date('2026-08-26T12:00:00Z') })
    expect((await ensureImage(pullingFrom({}), ref, noSleep, nextWeek)).source).toBe('cache')

    sh('docker', ['rmi', ref])
    const forced = new ImageCache({ docker, service, policy: 'true', reporter: reporter(), root: join(work, 'root'), now: () => NOW })
    expect((await ensureImage(pullingFrom({}), ref, noSleep, forced)).source).toBe('cache')
    expect(forced.records[0].recordVerdict).toBe(false)
  })
})

describe('a cache that cannot be used degrades to a warning and a pull', () => {
  async function pullCase(ref: string, copy: string, policy: CachePolicy = 'auto') {
    const log = reporter()
    const cache = new ImageCache({ docker, service, policy, reporter: log, root: join(work, 'root'), now: () => NOW })
    const port = pullingFrom({ [ref]: copy })
    const resolved = await ensureImage(port, ref, noSleep, cache)
    return { log, cache, port, resolved }
  }

  it('an entry whose content is not the image it names is discarded', async () => {
    const ref = `${run}/liar:v1`
    const realId = build(ref, 'RUN echo real > /real')
    const copy = `${run}/registry-copy:liar`
    sh('docker', ['tag', ref, copy])
    created.push(copy)
    // A hand-made entry: the content of `ref`, but metadata and key naming another image ID.
    const platform = platformOf((await docker.info()).raw)
    const otherId = `sha256:${randomBytes(32).toString('hex')}`
    const root = join(work, 'root')
    const dir = join(root, restoreKeys(ref, platform).slug)
    const exported = await exportImage(docker, realId, dir)
    await writeMetadata(dir, { format: 1, ref, imageId: otherId, platform, bytes: exported.bytes, pull: { seconds: 5, at: NOW.toISOString() }, savedAt: NOW.toISOString() })
    expect(await service.save([dir], saveKey(ref, platform, otherId))).toBe(true)
    rmSync(dir, { recursive: true, force: true })
    sh('docker', ['rmi', ref])

    const { log, cache, port, resolved } = await pullCase(ref, copy)
    expect(log.warnings.join('\n')).toMatch(/restoring .*liar:v1 failed, pulling instead: docker load did not produce image/)
    expect(port.pulls).toEqual([ref])
    expect(resolved).toMatchObject({ source: 'pull', id: realId })
    expect(cache.records[0]).toMatchObject({ outcome: 'error', save: false })
  })

  it('a truncated layer fails docker load: warning, then pull', async () => {
    const ref = `${run}/torn:v1`
    // Bigger than the busybox layer, so the layer torn below is this image's own.
    const id = build(ref, 'RUN dd if=/dev/urandom of=/r bs=1M count=4 2>/dev/null')
    // Kept as a file, not a tag: docker load skips layers the Engine already has, torn or not.
    const copy = join(work, 'torn.tar')
    sh('docker', ['save', '-o', copy, ref])
    const platform = platformOf((await docker.info()).raw)
    const dir = join(work, 'root', restoreKeys(ref, platform).slug)
    const exported = await exportImage(docker, id, dir)
    const layer = readdirSync(dir, { recursive: true, encoding: 'utf8' })
      .filter(p => p.endsWith('layer.tar'))
      .map(p => join(dir, p))
      .sort((a, b) => statSync(b).size - statSync(a).size)[0]
    truncateSync(layer, Math.floor(statSync(layer).size / 2))
    await writeMetadata(dir, { format: 1, ref, imageId: id, platform, bytes: exported.bytes, pull: { seconds: 5, at: NOW.toISOString() }, savedAt: NOW.toISOString() })
    expect(await service.save([dir], saveKey(ref, platform, id))).toBe(true)
    rmSync(dir, { recursive: true, force: true })
    removeImage(id)

    const { log, port, resolved } = await pullCase(ref, copy)
    expect(log.warnings.join('\n')).toMatch(/restoring .*torn:v1 failed, pulling instead/)
    expect(port.pulls).toEqual([ref])
    expect(resolved).toMatchObject({ source: 'pull', id })
  })

  it('no cache service configured: one warning, pulls, nothing saved', async () => {
    const ref = `${run}/nosvc:v1`
    const id = build(ref, 'RUN echo n > /n')
    const copy = `${run}/registry-copy:nosvc`
    sh('docker', ['tag', ref, copy])
    created.push(copy)
    sh('docker', ['rmi', ref])
    const restore = useCacheService(undefined, join(work, 'runner-temp'))
    try {
      const { log, cache, resolved } = await pullCase(ref, copy)
      expect(resolved).toMatchObject({ source: 'pull', id })
      expect(log.warnings).toEqual([expect.stringMatching(/cache service is not available \(neither ACTIONS_CACHE_URL nor ACTIONS_RESULTS_URL is set\); pulling images instead/)])
      expect(cache.records[0]).toMatchObject({ outcome: 'unavailable', save: false })
      const post = reporter()
      expect(await saveImageCache(cache.state(), { docker, service, reporter: post })).toEqual([])
    } finally {
      restore()
      useCacheService(server.url, join(work, 'runner-temp'))
    }
  })

  it('policy false never asks the service', async () => {
    const ref = `${run}/off:v1`
    build(ref, 'RUN echo o > /o')
    const copy = `${run}/registry-copy:off`
    sh('docker', ['tag', ref, copy])
    created.push(copy)
    sh('docker', ['rmi', ref])
    const restoreSpy = vi.spyOn(service, 'restore')
    const { log, cache, resolved } = await pullCase(ref, copy, 'false')
    expect(resolved.source).toBe('pull')
    expect(restoreSpy).not.toHaveBeenCalled()
    expect(log.warnings).toEqual([])
    expect(cache.records[0]).toMatchObject({ outcome: 'disabled', save: false })
  })

  it('a service that stops answering: restore and save only warn, the image is pulled', async () => {
    const ref = `${run}/down:v1`
    const id = build(ref, 'RUN echo d > /d')
    const copy = `${run}/registry-copy:down`
    sh('docker', ['tag', ref, copy])
    created.push(copy)
    sh('docker', ['rmi', ref])
    // A port nothing listens on: the service is configured but unreachable.
    // (@actions/cache retries each call for several seconds before it gives up; policy true spares the
    // verdict lookup.)
    const restore = useCacheService('http://127.0.0.1:9/unreachable/', join(work, 'runner-temp'))
    const printed: string[] = []
    const write = process.stdout.write.bind(process.stdout)
    vi.spyOn(process.stdout, 'write').mockImplementation(((chunk: string | Uint8Array, ...rest: unknown[]) => {
      printed.push(String(chunk))
      return (write as (c: string | Uint8Array, ...r: unknown[]) => boolean)(chunk, ...rest)
    }) as typeof process.stdout.write)
    try {
      const { cache, resolved } = await pullCase(ref, copy, 'true')
      expect(resolved).toMatchObject({ source: 'pull', id })
      expect(printed.join('')).toMatch(/::warning::Failed to restore/)
      // Post: the save fails as a warning too, and nothing throws.
      const post = reporter()
      const results = await saveImageCache(cache.state(), { docker, service, reporter: post })
      expect(results.every(r => !r.saved)).toBe(true)
      expect(printed.join('')).toMatch(/::warning::Failed to save|::error::Failed to save|::warning::image cache/)
    } finally {
      restore()
      useCacheService(server.url, join(work, 'runner-temp'))
    }
  })
})

describe('the entry directory', () => {
  it('holds the docker-save layout plus the metadata file, and nothing else', async () => {
    const ref = `${run}/layout:v1`
    const id = build(ref, 'RUN echo l > /l')
    const dir = join(work, 'layout')
    mkdirSync(dir, { recursive: true })
    await exportImage(docker, id, dir)
    const names = readdirSync(dir)
    expect(names).toContain('manifest.json')
    expect(names).toContain(`${id.slice('sha256:'.length)}.json`)
  })
})
