// The image cache through the v2 cache protocol that github.com runners use: twirp CacheService (a
// stand-in of ours) + Azure blob storage (Azurite, independent), see helpers/github-services.ts. The v1 suite
// (image-cache.test.ts, against nektos/act's server) covers the policy and failure paths; this one shows
// that a large image survives the v2 path byte for byte: block uploads past 128 MiB, ranged downloads.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ImageCache, saveImageCache } from '../../../src/cache/image-cache.js'
import { platformOf, saveKey } from '../../../src/cache/key.js'
import { ActionsCacheService } from '../../../src/cache/service.js'
import { ensureImage } from '../../../src/cluster/images.js'
import { DockerodePort } from '../../../src/docker/dockerode-port.js'
import { BUSYBOX_IMAGE, ensureBusyboxImage } from '../../helpers/docker.js'
import { startCacheServiceV2, useCacheServiceV2, type CacheServiceV2 } from '../../helpers/github-services.js'

const docker = new DockerodePort()
const service = new ActionsCacheService()
const run = `kat-cache2-${randomBytes(3).toString('hex')}`
const work = mkdtempSync(join(tmpdir(), 'kat-image-cache-v2-'))
const ref = `${run}/big:v1`
let v2: CacheServiceV2
let restoreEnv: () => void

const sh = (args: string[]): string => execFileSync('docker', args, { encoding: 'utf8', env: { ...process.env, DOCKER_BUILDKIT: '0' } }).trim()
const reporter = () => {
  const lines: string[] = []
  return { lines, info: (m: string) => void lines.push(m), warning: (m: string) => void lines.push(`warning: ${m}`) }
}

beforeAll(async () => {
  await ensureBusyboxImage()
  v2 = await startCacheServiceV2()
  restoreEnv = useCacheServiceV2(v2.url, join(work, 'runner-temp'))
}, 300_000)

afterAll(async () => {
  restoreEnv?.()
  await v2?.stop()
  try {
    sh(['rmi', '-f', ref])
  } catch {
    // already gone
  }
  rmSync(work, { recursive: true, force: true })
})

describe('image cache over the v2 protocol (twirp + Azure blob storage)', () => {
  it('saves and restores a 160 MB multi-layer image byte-identical', async () => {
    const ctx = join(work, 'ctx')
    execFileSync('mkdir', ['-p', ctx])
    // Random bytes do not compress: the archive stays above the SDK's 128 MiB single-shot upload limit.
    writeFileSync(
      join(ctx, 'Dockerfile'),
      `FROM ${BUSYBOX_IMAGE}\nLABEL kat.run=${run}\nRUN dd if=/dev/urandom of=/a bs=1M count=150 2>/dev/null\nRUN dd if=/dev/urandom of=/b bs=1M count=10 2>/dev/null\n`
    )
    sh(['build', '-q', '-t', ref, ctx])
    const image = (await docker.inspectImage(ref))!
    const layers = sh(['image', 'inspect', '-f', '{{json .RootFS.Layers}}', ref])

    const main = new ImageCache({ docker, service, policy: 'auto', reporter: reporter(), root: join(work, 'root') })
    expect(await main.restore(ref)).toBeUndefined()
    main.pulled(ref, image, 20)
    const post = reporter()
    const saved = await saveImageCache(main.state(), { docker, service, reporter: post })
    expect(saved).toEqual([expect.objectContaining({ saved: true, key: saveKey(ref, platformOf((await docker.info()).raw), image.id) })])
    expect(post.lines.filter(l => l.startsWith('warning'))).toEqual([])

    sh(['rmi', '-f', image.id])
    const next = new ImageCache({ docker, service, policy: 'auto', reporter: reporter(), root: join(work, 'root') })
    const resolved = await ensureImage(docker, ref, async () => undefined, next)
    expect(resolved).toMatchObject({ source: 'cache', id: image.id, runRef: ref })
    expect(sh(['image', 'inspect', '-f', '{{json .RootFS.Layers}}', ref])).toBe(layers)
    expect(next.records[0].bytes).toBeGreaterThan(160_000_000)

    // A second save finds the entry and uploads nothing.
    const again = reporter()
    expect((await saveImageCache(main.state(), { docker, service, reporter: again }))[0]).toMatchObject({ saved: false })
    expect(again.lines.join('\n')).toMatch(/already saved/)
    expect(v2.calls.filter(c => c === 'CreateCacheEntry')).toHaveLength(1)
  })
})
