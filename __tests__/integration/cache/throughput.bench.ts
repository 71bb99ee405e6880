// Throughput of an image through the cache format on this machine: docker save → entry directory →
// cache service (tar + zstd + upload) and back (download + unzstd + extract → docker load), through the
// local stand-in for the cache service (nektos/act's server on 127.0.0.1, see cache-server.ts).
// Run with hack/bench-cache.sh; not part of the test suite (its name does not end in .test.ts).
//
// The image must really be loaded, not found: docker load skips layers the Engine already has. So the
// image is removed before the restore, and by default it is one built here for the purpose (~1.1 GB, a
// kindest/node-sized mix of binaries and text from the host's /usr, plus an incompressible layer).
// BENCH_IMAGE=<ref> measures an existing image instead: it is removed and restored (same ID, re-tagged).
import { execFileSync, execSync } from 'node:child_process'
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { ImageCache, saveImageCache } from '../../../src/cache/image-cache.js'
import { exportImage, importImage } from '../../../src/cache/image-dir.js'
import { platformOf, saveKey } from '../../../src/cache/key.js'
import { ActionsCacheService } from '../../../src/cache/service.js'
import { ensureImage } from '../../../src/cluster/images.js'
import { DockerodePort } from '../../../src/docker/dockerode-port.js'
import { BUSYBOX_IMAGE, ensureBusyboxImage } from '../../helpers/docker.js'
import { startCacheServer, useCacheService, type CacheServer } from '../../helpers/github-services.js'

const docker = new DockerodePort()
const service = new ActionsCacheService()
const work = mkdtempSync(join(process.env.BENCH_DIR || tmpdir(), 'kat-bench-cache-'))
const runs = Number(process.env.BENCH_RUNS || 2)
const rootfs = (process.env.BENCH_ROOTFS || '/usr/bin /usr/share').split(/\s+/).filter(Boolean)
let server: CacheServer
let restoreEnv: () => void
let ref = process.env.BENCH_IMAGE || ''
const built = !ref

const sh = (cmd: string): string => execSync(cmd, { encoding: 'utf8', shell: '/bin/bash', stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, DOCKER_BUILDKIT: '0' } }).trim()
const mb = (bytes: number): string => (bytes / 1e6).toFixed(0)
const rate = (bytes: number, seconds: number): string => (bytes / 1e6 / seconds).toFixed(0)
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now()
  const value = await fn()
  return [value, (performance.now() - start) / 1000]
}

function dirBytes(dir: string): number {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).reduce((n, p) => {
    const s = statSync(join(dir, p), { throwIfNoEntry: false })
    return n + (s?.isFile() ? s.size : 0)
  }, 0)
}

beforeAll(async () => {
  server = await startCacheServer()
  restoreEnv = useCacheService(server.url, join(work, 'runner-temp'))
  if (built) {
    await ensureBusyboxImage()
    ref = `kat-bench-cache/image:${randomBytes(4).toString('hex')}`
    // Layer 1: real files from the host (compressible like a node image's), unique by a marker file.
    const marker = join(work, 'marker')
    writeFileSync(marker, randomBytes(16).toString('hex'))
    sh(`tar -c --transform 's,^${marker.slice(1)},marker,' ${rootfs.join(' ')} ${marker} 2>/dev/null | docker import - ${ref}-base`)
    // Layers 2-4: an incompressible one, and small ones, as a node image has several.
    const ctx = join(work, 'ctx')
    execFileSync('mkdir', ['-p', ctx])
    writeFileSync(
      join(ctx, 'Dockerfile'),
      `FROM ${BUSYBOX_IMAGE} AS tools\nFROM ${ref}-base\nCOPY --from=tools /bin/busybox /busybox\n` +
        'RUN ["/busybox", "sh", "-c", "/busybox dd if=/dev/urandom of=/random.bin bs=1M count=64 2>/dev/null"]\n' +
        'RUN ["/busybox", "sh", "-c", "echo small > /small"]\n'
    )
    sh(`docker build -q -t ${ref} ${ctx}`)
    sh(`docker rmi ${ref}-base`)
  }
}, 900_000)

afterAll(async () => {
  restoreEnv?.()
  await server?.stop()
  if (built && ref) {
    try {
      sh(`docker rmi -f ${ref}`)
    } catch {
      // already gone
    }
  }
  rmSync(work, { recursive: true, force: true })
})

it('save and restore throughput through the cache format', async () => {
  const image = await docker.inspectImage(ref)
  if (!image) throw new Error(`${ref} is not on the Docker host`)
  const tags = image.repoTags
  const platform = platformOf((await docker.info()).raw)
  const lines: string[] = [`image ${ref}: ${image.id}, ${mb(image.size)} MB in the Engine, ${JSON.parse(sh(`docker image inspect -f '{{json .RootFS.Layers}}' ${image.id}`)).length} layers`]

  // Baseline, the naive way: docker save to a tar file, docker load from it.
  const tarFile = join(work, 'baseline.tar')
  const [, saveFileSeconds] = await timed(async () => sh(`docker save -o ${tarFile} ${image.id}`))
  const tarBytes = statSync(tarFile).size

  const save: { export: number; upload: number; total: number; compressed: number }[] = []
  const restore: { download: number; load: number; total: number }[] = []
  const loadFile: number[] = []
  let contentBytes = 0
  for (let i = 0; i < runs; i++) {
    // Save, as post does it: export into the entry directory, then saveCache (tar + zstd + upload).
    const dir = join(work, 'root', 'entry')
    const [exported, exportSeconds] = await timed(() => exportImage(docker, image.id, dir))
    contentBytes = exported.bytes
    const key = `bench-${i}-${saveKey(ref, platform, image.id)}`
    const stored = dirBytes(join(server.dir, 'cache'))
    const [saved, uploadSeconds] = await timed(() => service.save([dir], key))
    expect(saved).toBe(true)
    rmSync(dir, { recursive: true, force: true })
    save.push({ export: exportSeconds, upload: uploadSeconds, total: exportSeconds + uploadSeconds, compressed: dirBytes(join(server.dir, 'cache')) - stored })

    // Restore, as main does it, into an Engine without the image.
    sh(`docker rmi -f ${image.id}`)
    const [matched, downloadSeconds] = await timed(() => service.restore([dir], key, []))
    expect(matched).toBe(key)
    const [, loadSeconds] = await timed(() => importImage(docker, dir))
    rmSync(dir, { recursive: true, force: true })
    expect((await docker.inspectImage(image.id))?.id).toBe(image.id)
    restore.push({ download: downloadSeconds, load: loadSeconds, total: downloadSeconds + loadSeconds })

    // Baseline load from the tar file, into an Engine without the image.
    sh(`docker rmi -f ${image.id}`)
    loadFile.push((await timed(async () => sh(`docker load -q -i ${tarFile}`)))[1])
  }
  for (const tag of tags) sh(`docker tag ${image.id} ${tag}`)

  // End to end through the orchestrator (what main and post run), once.
  const records = new ImageCache({ docker, service, policy: 'true', reporter: { info: () => undefined, warning: m => lines.push(`warning: ${m}`) } })
  await records.restore(ref)
  records.pulled(ref, image, 0)
  const [saveResults, postSeconds] = await timed(() => saveImageCache(records.state(), { docker, service, reporter: { info: () => undefined, warning: m => lines.push(`warning: ${m}`) } }))
  expect(saveResults[0]?.saved).toBe(true)
  sh(`docker rmi -f ${image.id}`)
  const main = new ImageCache({ docker, service, policy: 'auto', reporter: { info: () => undefined, warning: m => lines.push(`warning: ${m}`) } })
  const resolved = await ensureImage(docker, ref, async () => undefined, main)
  expect(resolved).toMatchObject({ id: image.id, source: 'cache' })
  for (const tag of tags) sh(`docker tag ${image.id} ${tag}`)
  const hit = main.records[0]

  const m = (xs: number[]): number => median(xs)
  const compressed = m(save.map(s => s.compressed))
  lines.push(
    `content ${mb(contentBytes)} MB (docker save tar ${mb(tarBytes)} MB), in the cache ${mb(compressed)} MB (zstd, ${(compressed / contentBytes * 100).toFixed(0)} %); medians of ${runs} run(s)`,
    '',
    '| step | seconds | MB/s of content |',
    '|---|---:|---:|',
    `| save: docker save → entry directory | ${m(save.map(s => s.export)).toFixed(1)} | ${rate(contentBytes, m(save.map(s => s.export)))} |`,
    `| save: saveCache (tar + zstd + upload to 127.0.0.1) | ${m(save.map(s => s.upload)).toFixed(1)} | ${rate(contentBytes, m(save.map(s => s.upload)))} |`,
    `| **save total** | ${m(save.map(s => s.total)).toFixed(1)} | ${rate(contentBytes, m(save.map(s => s.total)))} |`,
    `| restore: restoreCache (download from 127.0.0.1 + unzstd + extract) | ${m(restore.map(r => r.download)).toFixed(1)} | ${rate(contentBytes, m(restore.map(r => r.download)))} |`,
    `| restore: entry directory → docker load (streamed) | ${m(restore.map(r => r.load)).toFixed(1)} | ${rate(contentBytes, m(restore.map(r => r.load)))} |`,
    `| **restore total** | ${m(restore.map(r => r.total)).toFixed(1)} | ${rate(contentBytes, m(restore.map(r => r.total)))} |`,
    `| baseline: docker save -o file | ${saveFileSeconds.toFixed(1)} | ${rate(tarBytes, saveFileSeconds)} |`,
    `| baseline: docker load -i file | ${m(loadFile).toFixed(1)} | ${rate(tarBytes, m(loadFile))} |`,
    '',
    `end to end (ImageCache): post saved in ${postSeconds.toFixed(1)} s; main restored in ${hit.restoreSeconds?.toFixed(1)} s ` +
      `(download ${hit.downloadSeconds?.toFixed(1)} s + load ${hit.loadSeconds?.toFixed(1)} s, ${rate(contentBytes, hit.restoreSeconds ?? 1)} MB/s)`
  )
  console.log(`\n${lines.join('\n')}\n`)
}, 1_800_000)
