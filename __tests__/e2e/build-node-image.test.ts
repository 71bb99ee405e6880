// The build-node-image sub-action as a workflow runs it (dist/build-node-image through the runner
// harness): it builds a node image of the default Kubernetes line from Go modules with hack/images (the
// builder the fixtures use, so its stages below the node are cached on this machine), under a tag of its
// own; the main step and the upstream kind CLI each create 1 control plane + 1 worker from it; a second
// run restores it from the cache service and builds nothing. The cache service is a stand-in (act's
// cache server on loopback, helpers/github-services.ts): GitHub's cannot be reached from here.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startCacheServer, type CacheServer } from '../helpers/github-services.js'
import { KIND_CLI, NODE_IMAGE, docker, kubectl, newRunner, retry, runMain, runPost, runStep, sh, type Runner } from './harness.js'

const VERSION = NODE_IMAGE.split(':').pop()!
const BUILT = `kind-action.local/built-node:${VERSION}`
const SCRIPT = 'dist/build-node-image/index.js'
let server: CacheServer
let cacheEnv: Record<string, string>

/** What the input check sees of a Kubernetes checkout (go.mod of k8s.io/kubernetes, cmd/kubeadm), and nothing more. */
function lookalikeCheckout(): string {
  const dir = mkdtempSync(join(tmpdir(), 'bni-lookalike-'))
  mkdirSync(join(dir, 'cmd', 'kubeadm'), { recursive: true })
  writeFileSync(join(dir, 'go.mod'), 'module k8s.io/kubernetes\n\ngo 1.26.0\n')
  return dir
}

function gitInit(dir: string): void {
  const git = (...args: string[]) => execFileSync('git', ['-C', dir, '-c', 'user.name=t', '-c', 'user.email=t@localhost', ...args])
  git('init', '-q')
  git('add', '-A')
  git('commit', '-q', '-m', 'no tag')
}

const leftovers = async (): Promise<string> => (await docker(['ps', '-a', '--filter', 'name=kind-action-node-build', '--format', '{{.Names}}'])).trim()
const imageExists = (ref: string): Promise<boolean> => docker(['image', 'inspect', ref]).then(() => true, () => false)

beforeAll(async () => {
  server = await startCacheServer()
  cacheEnv = { ACTIONS_CACHE_URL: server.url, ACTIONS_RUNTIME_TOKEN: 'local-test-token' }
  await docker(['rmi', BUILT]).catch(() => undefined)
})
afterAll(async () => {
  await docker(['rmi', BUILT]).catch(() => undefined)
  await server?.stop()
})

// The sub-action does not depend on the speed-ups: the strict tier (KIND_ACTION_SPEEDUPS=off) skips this file.
const strict = process.env.KIND_ACTION_SPEEDUPS === 'off'

describe.skipIf(strict)('build-node-image: a release built, then restored', () => {
  let runner: Runner
  let first: Awaited<ReturnType<typeof runStep>>

  beforeAll(async () => {
    runner = newRunner()
    first = await runStep(runner, SCRIPT, { kubernetes_version: VERSION, image: BUILT, cache: 'true' }, { env: cacheEnv })
  })

  it('builds stage by stage, each in a group with its time, and sets its outputs', () => {
    expect(first.exitCode, first.log.slice(-4000)).toBe(0)
    for (const stage of ['fetch', 'compile', 'components', 'base', 'node']) {
      expect(first.log).toMatch(new RegExp(`::group::${stage}: `))
      expect(first.log).toMatch(new RegExp(`^${stage}: [\\d.]+ s$`, 'm'))
    }
    expect(first.log).toMatch(new RegExp(`Built ${BUILT.replace(/[.]/g, '\\.')} \\([\\d.]+ [KMG]i?B\\) in [\\d.]+ s`))
    expect(first.outputs).toMatchObject({ image: BUILT, kubernetes_version: VERSION, cache_hit: 'false' })
    expect(Number(first.outputs.build_seconds)).toBeGreaterThan(0)
    expect(first.log).toMatch(/::group::cache: saving kind-action-node-image-v1-/)
    expect(first.log).not.toMatch(/::warning::/)
  })

  it('makes a kind node image: /kind/version and the preloaded images', async () => {
    const version = await docker(['run', '--rm', '--entrypoint', 'cat', BUILT, '/kind/version'])
    expect(version).toBe(VERSION)
    const ours = await docker(['image', 'inspect', '-f', '{{json .Config.Entrypoint}} {{.Config.StopSignal}}', BUILT])
    expect(ours.trim()).toBe('["/usr/local/bin/entrypoint","/sbin/init"] SIGRTMIN+3')
  })

  it('the main step creates 1 control plane + 1 worker from it', async () => {
    const main = await runMain(runner, { cluster_name: 'bni-action', node_image: BUILT, workers: '1', wait: '3m' })
    try {
      expect(main.exitCode, main.log.slice(-4000)).toBe(0)
      const nodes = await kubectl(runner, ['get', 'nodes', '-o', 'jsonpath={range .items[*]}{.metadata.name}={.status.conditions[?(@.type=="Ready")].status} {end}'])
      expect(nodes.trim().split(' ').sort()).toEqual(['bni-action-control-plane=True', 'bni-action-worker=True'])
    } finally {
      const post = await runPost(runner, main.step)
      expect(post.exitCode).toBe(0)
    }
  })

  it('the upstream kind CLI creates 1 control plane + 1 worker from it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bni-kind-'))
    writeFileSync(join(dir, 'config.yaml'), 'kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnodes:\n- role: control-plane\n- role: worker\n')
    const kubeconfig = join(dir, 'kubeconfig')
    try {
      await sh(KIND_CLI, ['create', 'cluster', '--name', 'bni-kind', '--image', BUILT, '--config', join(dir, 'config.yaml'), '--kubeconfig', kubeconfig, '--wait', '3m'])
      // kind's --wait covers the control plane only: the worker may still be joining.
      await retry('both kind CLI nodes Ready', async () => {
        const nodes = await sh('kubectl', ['--kubeconfig', kubeconfig, 'get', 'nodes', '--no-headers'], { ...process.env, PATH: `${runner.env.PATH ?? ''}:${process.env.PATH}` })
        expect(nodes.split('\n').filter(l => / Ready /.test(l))).toHaveLength(2)
      }, 180_000)
    } finally {
      await sh(KIND_CLI, ['delete', 'cluster', '--name', 'bni-kind', '--kubeconfig', kubeconfig])
    }
  })

  it('a second run restores the image from the cache and builds nothing', async () => {
    await docker(['rmi', BUILT])
    // The same RUNNER_TEMP as the first run, as on a hosted runner: @actions/cache versions entries by their paths.
    const second = await runStep(runner, SCRIPT, { kubernetes_version: VERSION, image: BUILT }, { env: cacheEnv })
    expect(second.exitCode, second.log.slice(-4000)).toBe(0)
    expect(second.outputs).toMatchObject({ image: BUILT, cache_hit: 'true' })
    expect(second.log).toMatch(/Restored .* from the cache in [\d.]+ s/)
    expect(second.log).not.toMatch(/::group::(fetch|compile|components|base|node): /)
    expect(await imageExists(BUILT)).toBe(true)
  })
})

describe.skipIf(strict)('build-node-image: bad input and a failing build', () => {
  it('a release that does not exist fails in the fetch stage, naming kubernetes_version', async () => {
    const result = await runStep(newRunner(), SCRIPT, { kubernetes_version: 'v1.99.0', image: 'kind-action.local/bni-missing:v1', cache: 'false' })
    expect(result.exitCode).toBe(1)
    const errors = result.log.split('\n').filter(l => l.startsWith('::error::'))
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatch(/stage fetch failed \(kubernetes_version: v1\.99\.0\): .*no Kubernetes release v1\.99\.0/)
    expect(result.log).not.toMatch(/::group::compile/)
    expect(await imageExists('kind-action.local/bni-missing:v1')).toBe(false)
  })

  it('a malformed input fails before anything runs', async () => {
    const result = await runStep(newRunner(), SCRIPT, { kubernetes_source: '/nonexistent/kubernetes', image: 'Bad Ref' })
    expect(result.exitCode).toBe(1)
    expect(result.log).toMatch(/::error::kubernetes_source: \/nonexistent\/kubernetes is not a directory/)
    expect(result.log).toMatch(/image: "Bad Ref" is not an image reference/)
    expect(result.log).not.toMatch(/::group::/)
  })

  it.each([
    ['is no git checkout', (dir: string) => dir, /not a git checkout: its version comes from its tags/],
    ['has no release tag', (dir: string) => (gitInit(dir), dir), /has no v\* tag behind HEAD .*fetch-depth: 0/]
  ])('a checkout that %s fails in the describe stage, naming kubernetes_source, and builds nothing', async (_what, prepare, cause) => {
    const dir = prepare(lookalikeCheckout())
    const result = await runStep(newRunner(), SCRIPT, { kubernetes_source: dir, cache: 'false' })
    expect(result.exitCode).toBe(1)
    const errors = result.log.split('\n').filter(l => l.startsWith('::error::'))
    expect(errors).toHaveLength(1)
    expect(errors[0]).toContain(`stage describe failed (kubernetes_source: ${dir})`)
    expect(errors[0]).toMatch(cause)
    expect(result.log).not.toMatch(/::group::compile/)
  })

  it('a base image without kind\'s layout fails in the node stage, naming base_image, and leaves no container or tag', async () => {
    // The Debian iptables base of the component images: a real image, but no containerd or /kind in it.
    const base = (await docker(['images', '--format', '{{.Repository}}:{{.Tag}}', 'kind-action.local/debian-iptables'])).trim().split('\n')[0]
    expect(base).toBeTruthy()
    const target = 'kind-action.local/bni-broken:v1'
    const result = await runStep(newRunner(), SCRIPT, { kubernetes_version: VERSION, base_image: base, image: target, cache: 'false' })
    expect(result.exitCode).toBe(1)
    expect(result.log).toMatch(new RegExp(`::error::build-node-image: stage node failed \\(base_image: ${base.replace(/[.]/g, '\\.')}\\)`))
    expect(await leftovers()).toBe('')
    expect(await imageExists(target)).toBe(false)
  })
})

// A build from a kubernetes/kubernetes checkout (hack/fixtures/kubernetes-checkout.sh: the release's
// modules as a git checkout, one commit past its tag). Its compile is Kubernetes' own code compiled
// again (a main module's packages share no build cache with the release's): 56 min at nice 19 on a busy
// 2-core machine, 20 min of CPU: it runs in its own tier (hack/test.sh node-image-source, KIND_ACTION_SOURCE_BUILD=1), not npm test's.
const SOURCE_BUILD = process.env.KIND_ACTION_SOURCE_BUILD === '1' && !strict

describe.skipIf(!SOURCE_BUILD)('build-node-image: kubernetes_source, a checkout one commit past a release', () => {
  let checkout: string
  let runner: Runner
  let first: Awaited<ReturnType<typeof runStep>>
  let version: string
  let image: string

  beforeAll(async () => {
    checkout = execFileSync('hack/fixtures/kubernetes-checkout.sh', [VERSION], { encoding: 'utf8' }).trim()
    const commit = execFileSync('git', ['-C', checkout, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim()
    version = `${VERSION}-1+${commit.slice(0, 14)}`
    image = `kindest/node:${version.replace('+', '_')}`
    await docker(['rmi', image]).catch(() => undefined)
    runner = newRunner()
    first = await runStep(runner, SCRIPT, { kubernetes_source: checkout, cache: 'true' }, { env: cacheEnv })
  }, 3_600_000)
  afterAll(async () => {
    await docker(['rmi', image]).catch(() => undefined)
  })

  it('takes its version from git describe, as Kubernetes\' build does, and tags the image as kubeadm tags', () => {
    expect(first.exitCode, first.log.slice(-4000)).toBe(0)
    for (const stage of ['describe', 'compile', 'components', 'base', 'node']) expect(first.log).toMatch(new RegExp(`^${stage}: [\\d.]+ s$`, 'm'))
    expect(first.log).not.toMatch(/::group::fetch: /)
    expect(first.outputs).toMatchObject({ image, kubernetes_version: version, cache_hit: 'false' })
    expect(existsSync(join(process.env.KIND_ACTION_CACHE ?? '/var/cache/kind-action', 'kubernetes', version, '.source'))).toBe(true)
  })

  it('puts the checkout\'s build in the image: /kind/version and the binaries report it', async () => {
    expect(await docker(['run', '--rm', '--entrypoint', 'cat', image, '/kind/version'])).toBe(version)
    expect((await docker(['run', '--rm', '--entrypoint', 'kubeadm', image, 'version', '-o', 'short'])).trim()).toBe(version)
  })

  it('the main step creates 1 control plane + 1 worker from it, running that version', async () => {
    const main = await runMain(runner, { cluster_name: 'bni-source', node_image: image, workers: '1', wait: '5m' })
    try {
      expect(main.exitCode, main.log.slice(-4000)).toBe(0)
      const nodes = await kubectl(runner, ['get', 'nodes', '-o', 'jsonpath={range .items[*]}{.status.nodeInfo.kubeletVersion}={.status.conditions[?(@.type=="Ready")].status} {end}'])
      expect(nodes.trim().split(' ')).toEqual([`${version}=True`, `${version}=True`])
      expect(await kubectl(runner, ['version', '-o', 'json'])).toContain(`"gitVersion": "${version}"`)
      // The control plane runs from the images the components stage tagged as kubeadm names them.
      const preloaded = await docker(['exec', 'bni-source-control-plane', 'crictl', 'images', '-o', 'json'])
      expect(preloaded).toContain(`registry.k8s.io/kube-apiserver:${version.replace('+', '_')}`)
    } finally {
      const post = await runPost(runner, main.step)
      expect(post.exitCode).toBe(0)
    }
  })

  it('a second run of the same commit restores it from the cache and compiles nothing', async () => {
    await docker(['rmi', image])
    // The same RUNNER_TEMP as the first run, as on a hosted runner: @actions/cache versions entries by their paths.
    const second = await runStep(runner, SCRIPT, { kubernetes_source: checkout, cache: 'true' }, { env: cacheEnv })
    expect(second.exitCode, second.log.slice(-4000)).toBe(0)
    expect(second.outputs).toMatchObject({ image, kubernetes_version: version, cache_hit: 'true' })
    expect(second.log).toMatch(/^describe: [\d.]+ s$/m)
    expect(second.log).not.toMatch(/::group::(compile|components|base|node): /)
    expect(readFileSync(join(process.env.KIND_ACTION_CACHE ?? '/var/cache/kind-action', 'kubernetes', version, '.source'), 'utf8')).toContain('clean')
  })
})
