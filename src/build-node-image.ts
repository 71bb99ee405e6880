// The build-node-image sub-action (`uses: <org>/kind-action/build-node-image@v1`): a kind node image of a
// Kubernetes release, built by hack/images (the builder the test fixtures use), restored from the GitHub
// cache when the same build was saved before. Each stage is a log group with its time; a failure names
// the stage and the input it depends on, and the scripts leave no build container or half-made image.
import * as core from '@actions/core'
import { execFile } from 'node:child_process'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { platformOf } from './cache/key.js'
import { ActionsCacheService, type CacheService } from './cache/service.js'
import { DockerodePort } from './docker/dockerode-port.js'
import type { DockerPort } from './docker/port.js'
import { runScript, scriptOutput, treeHash } from './build-node-image/builder.js'
import { restoreImage, saveImage } from './build-node-image/image-store.js'
import { BuildInputError, parseBuildInputs, parseSourceDescription, withSourceVersion, type BuildRequest, type SourceDescription } from './build-node-image/inputs.js'
import { cacheKey, describeStage, planStages, stageEnv, type KeyFacts, type Stage } from './build-node-image/plan.js'
import { formatBytes } from './logs/limits.js'

export interface BuildDeps {
  docker: DockerPort
  service: CacheService
  read: (name: string) => string
  env: Record<string, string | undefined>
  /** The checkout holding hack/images: two levels above dist/build-node-image/index.js. */
  repoRoot: string
}

function bundledRepoRoot(): string {
  // Computed at run time, not a literal path: ncc would copy a literal one into dist as an asset.
  const levels = ['..', '..']
  return resolve(dirname(fileURLToPath(import.meta.url)), ...levels)
}

const seconds = (start: number): number => Math.round((performance.now() - start) / 100) / 10

async function goVersion(): Promise<string> {
  try {
    return (await promisify(execFile)('go', ['env', 'GOVERSION'])).stdout.trim()
  } catch {
    throw new Error('no Go toolchain on PATH: the build compiles Kubernetes from its Go modules (add actions/setup-go before this step)')
  }
}

async function baseIdentity(docker: DockerPort, request: BuildRequest, images: string): Promise<string> {
  if (!request.baseImage) return scriptOutput(join(images, 'build-node.sh'), ['--print-base-key'])
  let info = await docker.inspectImage(request.baseImage)
  if (!info) {
    try {
      await docker.pullImage(request.baseImage)
    } catch (error) {
      throw new Error(`base_image: ${request.baseImage} is not in the Docker Engine and could not be pulled: ${(error as Error).message}`)
    }
    info = await docker.inspectImage(request.baseImage)
  }
  if (!info) throw new Error(`base_image: ${request.baseImage} is not in the Docker Engine after its pull`)
  return info.id
}

async function keyFacts(deps: BuildDeps, request: BuildRequest, images: string, described?: SourceDescription): Promise<KeyFacts> {
  const [go, base, info] = await Promise.all([goVersion(), baseIdentity(deps.docker, request, images), deps.docker.info()])
  return { recipe: `${treeHash(images)}-${go}`, base, arch: platformOf(info.raw).arch, commit: described?.commit }
}

interface StageTime {
  stage: Stage
  seconds: number
}

function stageFailure(request: BuildRequest, stage: Stage, result: { exitCode: number; tail: string[] }): string {
  const values = { base_image: request.baseImage ?? 'the Debian base', kubernetes_source: request.source, kubernetes_version: request.kubernetesVersion }
  const cause = result.tail.filter(line => line.trim()).slice(-3).join(' | ') || `exit code ${result.exitCode}`
  return `build-node-image: stage ${stage.name} failed (${stage.input}: ${values[stage.input]}): ${cause}`
}

/** Runs one stage in its log group and records its time; the failure message when it fails. */
async function runStage(request: BuildRequest, stage: Stage, images: string, times: StageTime[], onLine: (line: string) => void): Promise<string | undefined> {
  const start = performance.now()
  const result = await core.group(stage.title, () => runScript(join(images, stage.script), stage.args, stageEnv(request), onLine))
  times.push({ stage, seconds: seconds(start) })
  core.info(`${stage.name}: ${seconds(start)} s`)
  return result.exitCode === 0 ? undefined : stageFailure(request, stage, result)
}

async function runStages(request: BuildRequest, images: string, times: StageTime[]): Promise<string | undefined> {
  for (const stage of planStages(request)) {
    const failure = await runStage(request, stage, images, times, line => core.info(line))
    if (failure) return failure
  }
  return undefined
}

/** A source build's describe stage: the checkout's version, commit and tree state, or the failure. */
async function describeSource(request: BuildRequest, images: string, times: StageTime[]): Promise<SourceDescription | string> {
  const lines: string[] = []
  const failure = await runStage(request, describeStage(request.source!), images, times, line => {
    lines.push(line)
    core.info(line)
  })
  if (failure) return failure
  const described = parseSourceDescription(lines.join('\n'))
  core.info(`kubernetes_source: ${request.source} is Kubernetes ${described.version} (commit ${described.commit}${described.dirty ? ', with uncommitted changes' : ''})`)
  return described
}

/** The request with a source build's version, tag and cache decision filled in; a release's as it is. */
async function withSource(request: BuildRequest, images: string, times: StageTime[]): Promise<{ request: BuildRequest; described?: SourceDescription } | { failure: string }> {
  if (!request.source) return { request }
  const described = await describeSource(request, images, times)
  if (typeof described === 'string') return { failure: described }
  const versioned = withSourceVersion(request, described)
  // Uncommitted changes are in no commit a key could name: such a build is neither restored nor saved.
  if (described.dirty && versioned.cache) {
    core.notice(`build-node-image: ${request.source} has uncommitted changes; the image is built and not cached`)
    return { request: { ...versioned, cache: false }, described }
  }
  return { request: versioned, described }
}

async function writeSummary(request: BuildRequest, times: StageTime[], outcome: string): Promise<void> {
  const rows = times.map(t => [t.stage.name, `${t.seconds} s`])
  await core.summary
    .addHeading(`Node image ${request.image || `from ${request.source}`}`, 3)
    .addRaw(`${outcome}\n\n`)
    .addTable([[{ data: 'stage', header: true }, { data: 'time', header: true }], ...rows])
    .write()
}

export async function run(deps: Partial<BuildDeps> = {}): Promise<void> {
  const d: BuildDeps = {
    docker: deps.docker ?? new DockerodePort(),
    service: deps.service ?? new ActionsCacheService(),
    read: deps.read ?? (name => core.getInput(name)),
    env: deps.env ?? process.env,
    repoRoot: deps.repoRoot ?? bundledRepoRoot()
  }
  let request: BuildRequest
  try {
    request = parseBuildInputs(d.read)
  } catch (error) {
    if (!(error instanceof BuildInputError)) throw error
    core.setFailed(error.problems.join('\n'))
    return
  }
  const started = performance.now()
  const images = join(d.repoRoot, 'hack', 'images')
  const entryDir = join(d.env.RUNNER_TEMP || tmpdir(), 'kind-action-node-image-cache')
  const times: StageTime[] = []
  try {
    const prepared = await withSource(request, images, times)
    if ('failure' in prepared) {
      core.setFailed(prepared.failure)
      await writeSummary(request, times, `Failed: ${prepared.failure}`)
      return
    }
    const { described } = prepared
    request = prepared.request
    const key = cacheKey(request, await keyFacts(d, request, images, described))
    const unavailable = request.cache ? d.service.unavailable() : 'cache: false'
    if (request.cache && unavailable) core.warning(`build-node-image: ${unavailable}; building without the cache`)
    let hit = false
    if (!unavailable) {
      hit = await core.group(`cache: looking up ${key}`, () => restoreImage(d.docker, d.service, key, entryDir, request.image))
      core.info(hit ? `cache: restored ${request.image} in ${seconds(started)} s` : 'cache: no entry; building')
    }
    if (!hit) {
      const failure = await runStages(request, images, times)
      if (failure) {
        core.setFailed(failure)
        await writeSummary(request, times, `Failed: ${failure}`)
        return
      }
    }
    const built = await d.docker.inspectImage(request.image)
    if (!built) throw new Error(`the build finished but ${request.image} is not in the Docker Engine`)
    const total = seconds(started)
    const line = hit
      ? `Restored ${request.image} (${formatBytes(built.size)}) from the cache in ${total} s`
      : `Built ${request.image} (${formatBytes(built.size)}) in ${total} s: ${times.map(t => `${t.stage.name} ${t.seconds} s`).join(', ')}`
    core.info(line)
    if (!hit && !unavailable) {
      const saved = await core.group(`cache: saving ${key}`, () => saveImage(d.docker, d.service, key, entryDir, request.image))
      if (!saved) core.warning(`build-node-image: the cache entry ${key} was not saved (another job may have saved it first)`)
    }
    core.setOutput('image', request.image)
    core.setOutput('kubernetes_version', request.kubernetesVersion)
    core.setOutput('cache_hit', String(hit))
    core.setOutput('build_seconds', String(total))
    await writeSummary(request, times, line)
  } catch (error) {
    core.setFailed(`build-node-image: ${(error as Error).message}`)
  }
}
