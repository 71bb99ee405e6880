// Shared e2e plumbing: the built action run as a runner runs it (hack/runner.mjs), the locally built
// node image, kubectl from the PATH the action exported, and the upstream kind CLI as the reference.
import { execFile } from 'node:child_process'
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import YAML from 'yaml'
import { afterAll, beforeAll } from 'vitest'
// @ts-expect-error plain ESM JavaScript shared with hack/run-action.sh
import * as runnerModule from '../../hack/runner.mjs'
import { kindConfig, readmeSlowHostBlock, times } from '../helpers/kind-configs.js'

const execFileAsync = promisify(execFile)

export interface Runner {
  base: string
  env: Record<string, string>
  home: string
}
/**
 * env: extra environment of the step; onChild: its process as it starts (the faults tier signals it);
 * prefix: a command the step runs under, which must exec node in its place (the faults tier's
 * `['nsenter', '--net=/run/netns/flt-dmn']`, where its second Docker daemon publishes its ports).
 */
export interface StepOptions {
  echo?: boolean
  env?: Record<string, string>
  onChild?: (child: import('node:child_process').ChildProcess) => void
  prefix?: string[]
}
export interface MainResult {
  signal?: string | null
  exitCode: number
  log: string
  outputs: Record<string, string>
  state: Record<string, string>
  step: unknown
}
const runner = runnerModule as {
  newRunner(): Runner
  disposeRunner(r: Runner): void
  runMain(r: Runner, inputs: Record<string, string>, o?: StepOptions): Promise<MainResult>
  runPost(r: Runner, step: unknown, o?: StepOptions): Promise<{ exitCode: number; log: string }>
  jobEnv(r: Runner): Record<string, string>
  runStep(r: Runner, script: string, inputs: Record<string, string>, o?: { echo?: boolean; env?: Record<string, string> }): Promise<{ exitCode: number; log: string; outputs: Record<string, string> }>
  fixtures(): { nodeImage: string; kindCli: string }
}
export const { runMain, runPost, jobEnv, runStep } = runner

const runners: Runner[] = []
/** A runner workspace, removed when the test file is done (each holds a ~60 MB kubectl). */
export function newRunner(): Runner {
  const created = runner.newRunner()
  runners.push(created)
  return created
}
// A file-level hook of every test file that imports this module (each file gets its own copy), run
// after the files' own afterAll hooks, which run the post steps.
afterAll(() => {
  for (const r of runners.splice(0)) runner.disposeRunner(r)
})

export interface PostResult {
  exitCode: number
  log: string
}

/** One main step of an e2e file's preamble: the action's inputs, and a name for its failure message. */
export interface MainStep {
  inputs: Record<string, string>
  label?: string
}

export interface PreambleOptions {
  /** Run first in beforeAll, before the runner is made (an image the step loads, a reference cluster). */
  before?: () => Promise<unknown>
  /** Run in afterAll after the post steps, with the last post step's result (undefined when no main step ran). */
  after?: (post: PostResult | undefined) => Promise<void>
}

/**
 * The preamble of an e2e file whose clusters the built action makes, as a workflow runs it: in
 * beforeAll, a fresh runner and dist/main once per step, in order, failing the file (with the end of the
 * step's log) at the first step that fails; in afterAll, dist/post for every main step that ran, in
 * reverse order (each post step runs even when its main step failed, as on a runner). Call it in a
 * describe block; the returned runner and main results are filled in once beforeAll has run.
 */
export function clustersThroughAction(steps: MainStep[], options: PreambleOptions = {}): { runner: Runner; mains: MainResult[] } {
  const shared = { runner: {} as Runner, mains: steps.map(() => ({}) as MainResult) }
  let ran = 0
  beforeAll(async () => {
    await options.before?.()
    Object.assign(shared.runner, newRunner())
    for (const [i, step] of steps.entries()) {
      Object.assign(shared.mains[i], await runMain(shared.runner, step.inputs, { echo: ECHO }))
      ran = i + 1
      const main = shared.mains[i]
      if (main.exitCode !== 0) throw new Error(`main step${step.label ? ` ${step.label}` : ''} failed:\n${main.log.slice(-6000)}`)
    }
  })
  afterAll(async () => {
    let post: PostResult | undefined
    for (const main of shared.mains.slice(0, ran).reverse()) post = await runPost(shared.runner, main.step, { echo: ECHO })
    await options.after?.(post)
  })
  return shared
}

/** clustersThroughAction for the one cluster most e2e files make. */
export function clusterThroughAction(inputs: Record<string, string>, options: PreambleOptions = {}): { runner: Runner; main: MainResult } {
  const { runner, mains } = clustersThroughAction([{ inputs }], options)
  return { runner, main: mains[0] }
}

/** Every file below dir, as paths relative to it. */
export function filesBelow(dir: string): string[] {
  const out: string[] = []
  const walk = (sub: string): void => {
    for (const entry of readdirSync(join(dir, sub), { withFileTypes: true })) {
      const rel = sub ? `${sub}/${entry.name}` : entry.name
      if (entry.isDirectory()) walk(rel)
      else out.push(rel)
    }
  }
  walk('')
  return out.sort()
}

/** The node image and kind CLI under test (hack/images/versions.env, or the environment's choice). */
export const { nodeImage: NODE_IMAGE, kindCli: KIND_CLI } = runner.fixtures()
export const ECHO = process.env.KIND_ACTION_E2E_ECHO === '1'
/** The action's wait input for the e2e clusters: longer under software emulation (hack/vm/run.sh sets it). */
export const E2E_WAIT = process.env.KIND_ACTION_E2E_WAIT || '5m'

/**
 * kubeadm's own timeouts (v1beta4 `timeouts`, kubeadm's defaults 4m for the health checks and 1m for an
 * API call), raised through kubeadmConfigPatches as a user on a slow host would raise them: under
 * software emulation (hack/vm/run.sh sets KIND_ACTION_E2E_KUBEADM_TIMEOUT) the API server answers init's
 * calls, but not within a minute. The patches are the README's own block. Unset: undefined, and the
 * files use their usual inputs.
 */
export function slowHostConfig(workers: number): string | undefined {
  const timeout = process.env.KIND_ACTION_E2E_KUBEADM_TIMEOUT
  if (!timeout) return undefined
  return kindConfig(['control-plane', ...times(workers, 'worker')], readmeSlowHostBlock(timeout))
}

export async function sh(file: string, args: string[], env?: Record<string, string>, input?: string): Promise<string> {
  const child = execFileAsync(file, args, { env: env ?? process.env, maxBuffer: 64 * 1024 * 1024 })
  if (input !== undefined) {
    child.child.stdin?.end(input)
  }
  const { stdout } = await child
  return stdout
}

/** kubectl as a later workflow step runs it: from PATH and KUBECONFIG the action exported. */
export function kubectl(r: Runner, args: string[], input?: string): Promise<string> {
  return sh('kubectl', args, jobEnv(r), input)
}

export function kind(args: string[], env?: Record<string, string>): Promise<string> {
  return sh(KIND_CLI, args, env)
}

export async function docker(args: string[]): Promise<string> {
  return sh('docker', args)
}

export async function containersOf(cluster: string): Promise<string[]> {
  const out = await docker(['ps', '-a', '--filter', `label=io.x-k8s.kind.cluster=${cluster}`, '--format', '{{.Names}}'])
  return out.split('\n').filter(Boolean).sort()
}

/** Names of the anonymous volumes mounted at /var in the cluster's nodes. */
export async function volumesOf(cluster: string): Promise<string[]> {
  const names = await containersOf(cluster)
  if (names.length === 0) return []
  const out = await docker(['inspect', '-f', '{{range .Mounts}}{{if eq .Type "volume"}}{{.Name}} {{end}}{{end}}', ...names])
  return out.split(/\s+/).filter(Boolean)
}

export async function volumeExists(name: string): Promise<boolean> {
  try {
    await docker(['volume', 'inspect', name])
    return true
  } catch {
    return false
  }
}

export function kubeconfigContexts(path: string): string[] {
  if (!existsSync(path)) return []
  const doc = (YAML.parse(readFileSync(path, 'utf8')) ?? {}) as { contexts?: { name: string }[] }
  return (doc.contexts ?? []).map(c => c.name)
}

export async function retry<T>(what: string, fn: () => Promise<T>, timeoutMs = 180_000, intervalMs = 2000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  let last: unknown
  while (Date.now() < deadline) {
    try {
      return await fn()
    } catch (error) {
      last = error
      await new Promise(r => setTimeout(r, intervalMs))
    }
  }
  throw new Error(`${what}: still failing after ${timeoutMs / 1000} s: ${(last as Error)?.message ?? String(last)}`)
}

export interface ScriptResult {
  exitCode: number
  stdout: string
  stderr: string
}

/**
 * A later `run:` step of the job: a bash script with the job's environment (PATH and KUBECONFIG as the
 * action exported them), stdout and stderr apart, never throwing for a non-zero exit. `pathFirst` puts a
 * directory ahead on PATH (e.g. one holding the upstream kind CLI as `kind`).
 */
export function laterStep(r: Runner, script: string, options: { pathFirst?: string; env?: Record<string, string>; cwd?: string } = {}): Promise<ScriptResult> {
  const env = { ...jobEnv(r), ...options.env }
  if (options.pathFirst) env.PATH = `${options.pathFirst}:${env.PATH ?? ''}`
  return new Promise(done => {
    execFile('bash', ['-eo', 'pipefail', '-c', script], { env, cwd: options.cwd, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? ((error as { code?: unknown }).code ?? 1) : 0
      done({ exitCode: typeof code === 'number' ? code : 1, stdout, stderr })
    })
  })
}
