// Benchmark: the action (dist/main + dist/post, as a runner runs them) against the upstream kind CLI,
// from the same local node image and equivalent configs, runs interleaved, medians and ratios printed.
// "Ready" means the same for all: every node Ready and CoreDNS available. The action runs twice per round:
// with its speed-ups (the default) and with KIND_ACTION_SPEEDUPS=off (kind's strict order), so each
// speed-up's worth and the strict mode's cost against kind show in one run.
//   node hack/bench.mjs [--runs 3] [--topologies 1cp,1cp2w,3cp2w] [--modes on,off]
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { disposeRunner, fixtures, newRunner, runMain, runPost } from './runner.mjs'

const sh = promisify(execFile)
const args = process.argv.slice(2)
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`)
  return i >= 0 ? args[i + 1] : fallback
}
const RUNS = Number(option('runs', '3'))
const { nodeImage: IMAGE, kindCli: KIND } = fixtures()

const TOPOLOGIES = {
  '1cp': { controlPlanes: 1, workers: 0 },
  '1cp2w': { controlPlanes: 1, workers: 2 },
  '3cp2w': { controlPlanes: 3, workers: 2 }
}
const chosen = option('topologies', Object.keys(TOPOLOGIES).join(',')).split(',')
const MODES = option('modes', 'on,off').split(',')
for (const mode of MODES) if (!['on', 'off'].includes(mode)) throw new Error(`--modes: "${mode}" is neither on nor off`)
const CONTESTANTS = [...MODES.map(mode => `action-${mode}`), 'kind']

function kindConfig({ controlPlanes, workers }) {
  const nodes = [...Array(controlPlanes).fill('control-plane'), ...Array(workers).fill('worker')]
  return `kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnodes:\n${nodes.map(r => `- role: ${r}`).join('\n')}\n`
}

const seconds = start => (performance.now() - start) / 1000
const median = xs => {
  const sorted = [...xs].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

async function waitUsable(kubeconfig, context) {
  const k = ['--kubeconfig', kubeconfig, '--context', context]
  await sh('kubectl', [...k, 'wait', '--for=condition=Ready', 'nodes', '--all', '--timeout=600s'])
  await sh('kubectl', [...k, 'wait', '--for=condition=Available', '-n', 'kube-system', 'deployment/coredns', '--timeout=600s'])
}

async function runAction(name, topology, speedUps) {
  const runner = newRunner()
  runner.env.KIND_ACTION_SPEEDUPS = speedUps
  const inputs = { cluster_name: name, node_image: IMAGE, config: kindConfig(topology), wait: '10m' }
  const start = performance.now()
  const main = await runMain(runner, inputs)
  const ready = seconds(start)
  if (main.exitCode !== 0) {
    // The post step runs after a failed main step too, as on a runner: nothing is left for the next run.
    await runPost(runner, main.step)
    disposeRunner(runner)
    throw new Error(`action failed (exit code ${main.exitCode}):\n${main.log.slice(-4000)}`)
  }
  const phases = Object.fromEntries((JSON.parse(main.state['kind-action'] ?? '{}').timings ?? []).map(t => [t.phase, t.seconds]))
  const delStart = performance.now()
  await runPost(runner, main.step)
  const deleted = seconds(delStart)
  disposeRunner(runner)
  return { ready, delete: deleted, phases }
}

async function runKind(name, topology) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-kind-'))
  const config = join(dir, 'config.yaml')
  const kubeconfig = join(dir, 'kubeconfig')
  writeFileSync(config, kindConfig(topology))
  const start = performance.now()
  await sh(KIND, ['create', 'cluster', '--name', name, '--image', IMAGE, '--config', config, '--kubeconfig', kubeconfig, '--wait', '10m'])
  await waitUsable(kubeconfig, `kind-${name}`)
  const ready = seconds(start)
  const delStart = performance.now()
  await sh(KIND, ['delete', 'cluster', '--name', name, '--kubeconfig', kubeconfig])
  const deleted = seconds(delStart)
  rmSync(dir, { recursive: true, force: true })
  return { ready, delete: deleted }
}

const results = {}
for (const key of chosen) {
  const topology = TOPOLOGIES[key]
  results[key] = Object.fromEntries(CONTESTANTS.map(who => [who, []]))
  for (let i = 0; i < RUNS; i++) {
    // Interleaved, rotating who goes first, so drift on the machine hits all alike.
    const order = CONTESTANTS.map((_, j) => CONTESTANTS[(i + j) % CONTESTANTS.length])
    for (const who of order) {
      const name = `bench-${key}-${who}`
      const r = who === 'kind' ? await runKind(name, topology) : await runAction(name, topology, who.replace('action-', ''))
      results[key][who].push(r)
      const phases = r.phases ? ` (${Object.entries(r.phases).filter(([n]) => /^(Starting control-plane|Creating nodes|Waiting for)/.test(n)).map(([n, v]) => `${n.split(' ')[0].toLowerCase()} ${v.toFixed(1)}`).join(', ')})` : ''
      console.error(`${key} run ${i + 1} ${who}: ready ${r.ready.toFixed(1)} s${phases}, delete ${r.delete.toFixed(1)} s`)
    }
  }
}

const ready = (r, who) => median(r[who].map(x => x.ready))
const ratio = (a, b) => (a / b).toFixed(2)
console.log(`\nnode image ${IMAGE}, ${RUNS} runs per contestant and topology, interleaved; medians in seconds`)
console.log('action-on: speed-ups on (default); action-off: KIND_ACTION_SPEEDUPS=off, kind\'s strict order\n')
const actions = CONTESTANTS.filter(who => who !== 'kind')
const header = [...actions.map(who => `${who} ready`), 'kind ready', ...actions.map(who => `${who}/kind`), ...(actions.length === 2 ? ['on/off'] : []), ...actions.map(who => `${who} delete`), 'kind delete']
console.log(`| topology | ${header.join(' | ')} |`)
console.log(`| --- |${header.map(() => ' --- |').join('')}`)
for (const [key, r] of Object.entries(results)) {
  const k = ready(r, 'kind')
  const cells = [
    ...actions.map(who => ready(r, who).toFixed(1)),
    k.toFixed(1),
    ...actions.map(who => ratio(ready(r, who), k)),
    ...(actions.length === 2 ? [ratio(ready(r, 'action-on'), ready(r, 'action-off'))] : []),
    ...[...actions, 'kind'].map(who => median(r[who].map(x => x.delete)).toFixed(1))
  ]
  console.log(`| ${key} | ${cells.join(' | ')} |`)
}
for (const who of actions) {
  console.log(`\n${who} phases (median seconds):`)
  for (const [key, r] of Object.entries(results)) {
    const names = Object.keys(r[who][0]?.phases ?? {})
    console.log(`  ${key}: ${names.map(n => `${n} ${median(r[who].map(x => x.phases[n] ?? 0)).toFixed(1)}`).join('; ')}`)
  }
}
