// Benchmark: the action (dist/main + dist/post, as a runner runs them) against the upstream kind CLI,
// from the same local node image and equivalent configs, runs interleaved, medians and ratios printed.
// "Ready" means the same for both: every node Ready and CoreDNS available.
//   node hack/bench.mjs [--runs 3] [--topologies 1cp,1cp2w,3cp2w]
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

async function runAction(name, topology) {
  const runner = newRunner()
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
  results[key] = { action: [], kind: [] }
  for (let i = 0; i < RUNS; i++) {
    // Interleaved, alternating who goes first, so drift on the machine hits both alike.
    const order = i % 2 === 0 ? ['action', 'kind'] : ['kind', 'action']
    for (const who of order) {
      const name = `bench-${key}-${who}`
      const r = who === 'action' ? await runAction(name, topology) : await runKind(name, topology)
      results[key][who].push(r)
      const phases = r.phases ? ` (${Object.entries(r.phases).filter(([n]) => /^(Starting control-plane|Creating nodes|Waiting for)/.test(n)).map(([n, v]) => `${n.split(' ')[0].toLowerCase()} ${v.toFixed(1)}`).join(', ')})` : ''
      console.error(`${key} run ${i + 1} ${who}: ready ${r.ready.toFixed(1)} s${phases}, delete ${r.delete.toFixed(1)} s`)
    }
  }
}

console.log(`\nnode image ${IMAGE}, ${RUNS} runs per tool and topology, interleaved; medians in seconds\n`)
console.log('| topology | action ready | kind ready | ratio action/kind | action delete | kind delete |')
console.log('| --- | --- | --- | --- | --- | --- |')
for (const [key, r] of Object.entries(results)) {
  const a = median(r.action.map(x => x.ready))
  const k = median(r.kind.map(x => x.ready))
  const ad = median(r.action.map(x => x.delete))
  const kd = median(r.kind.map(x => x.delete))
  console.log(`| ${key} | ${a.toFixed(1)} | ${k.toFixed(1)} | ${(a / k).toFixed(2)} | ${ad.toFixed(1)} | ${kd.toFixed(1)} |`)
}
console.log('\nAction phases (median seconds):')
for (const [key, r] of Object.entries(results)) {
  const names = Object.keys(r.action[0]?.phases ?? {})
  console.log(`  ${key}: ${names.map(n => `${n} ${median(r.action.map(x => x.phases[n] ?? 0)).toFixed(1)}`).join('; ')}`)
}
