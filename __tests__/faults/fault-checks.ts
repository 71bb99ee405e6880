// What every fault case asserts (issue 18), after the main step failed and the post step ran: one
// error annotation naming the cause, the job summary's failed phase, the log bundle, and nothing of the
// cluster left (containers, their volumes, networks labelled for it, kubeconfig entries, the lock file)
// while a bystander (another cluster's kubeconfig entries, a labelled container, network and volume) survives.
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import YAML from 'yaml'
import { expect } from 'vitest'
import { containersOf, docker, volumeExists, type Runner } from '../e2e/harness.js'

export const BYSTANDER = 'flt-bystander'

let seed = Number(process.env.FAULTS_SEED ?? 18) >>> 0
/** A small seeded generator for the random points a fault comes at: FAULTS_SEED replays a failing run's. */
export function faultRandom(): number {
  seed = (seed * 1664525 + 1013904223) >>> 0
  return seed / 2 ** 32
}

/**
 * How many times a case with a random point runs (FAULTS_REPEAT, default 2): each run draws another point
 * in the phase. Labels tell the runs apart in the tier's one line per case.
 */
export function repetitions(): { label: string; index: number }[] {
  const n = Math.max(1, Number(process.env.FAULTS_REPEAT ?? 2) || 1)
  return Array.from({ length: n }, (_, i) => ({ index: i, label: n > 1 ? ` (run ${i + 1} of ${n})` : '' }))
}

const sleep = (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms))

/** The join itself, not kubeadm's certificate phases that join-assist runs ahead of it. */
export const KUBEADM_JOIN = /kubeadm join (?!phase)/

/**
 * Runs `act` once `docker top` shows a process matching `process` in `container` (as a person watching
 * would see it), `delayMs` later: the fault lands inside that process's run, not near a log line.
 * `acted` says whether it ran; `stop()` ends the watch (the step ended first).
 */
export function whenRunning(container: string, process: RegExp, delayMs: number, act: () => Promise<unknown>): { stop: () => void; acted: Promise<boolean> } {
  let stopped = false
  const acted = (async () => {
    while (!stopped) {
      const top = await docker(['top', container, '-eo', 'pid,args']).catch(() => '')
      if (process.test(top)) {
        await sleep(delayMs)
        await act()
        return true
      }
      await sleep(200)
    }
    return false
  })()
  return { stop: () => (stopped = true), acted }
}

/** The kubeconfig a fault case writes to: seeded with another cluster's entries that must survive. */
export function seededKubeconfig(runner: Runner): string {
  const path = join(runner.base, 'kubeconfig')
  const name = `kind-${BYSTANDER}`
  writeFileSync(
    path,
    YAML.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name, cluster: { server: 'https://127.0.0.1:1' } }],
      users: [{ name, user: { token: 'x' } }],
      contexts: [{ name, context: { cluster: name, user: name } }],
      'current-context': name
    })
  )
  return path
}

/** A labelled container (created, not started: costs nothing), network and volume of no cluster of ours. */
export async function createBystander(image: string): Promise<void> {
  await removeBystander()
  await docker(['network', 'create', '--label', `${BYSTANDER}=1`, `${BYSTANDER}-net`])
  await docker(['volume', 'create', '--label', `${BYSTANDER}=1`, `${BYSTANDER}-vol`])
  await docker(['create', '--name', `${BYSTANDER}-ctr`, '--label', `${BYSTANDER}=1`, '--label', `io.x-k8s.kind.cluster=${BYSTANDER}`, '-v', `${BYSTANDER}-vol:/data`, image])
}

export async function removeBystander(): Promise<void> {
  await docker(['rm', '-f', `${BYSTANDER}-ctr`]).catch(() => undefined)
  await docker(['network', 'rm', `${BYSTANDER}-net`]).catch(() => undefined)
  await docker(['volume', 'rm', `${BYSTANDER}-vol`]).catch(() => undefined)
}

export async function expectBystanderIntact(kubeconfig: string): Promise<void> {
  expect((await docker(['ps', '-a', '--filter', `label=${BYSTANDER}=1`, '--format', '{{.Names}}'])).trim()).toBe(`${BYSTANDER}-ctr`)
  expect((await docker(['network', 'ls', '--filter', `label=${BYSTANDER}=1`, '--format', '{{.Name}}'])).trim()).toBe(`${BYSTANDER}-net`)
  expect(await volumeExists(`${BYSTANDER}-vol`)).toBe(true)
  expect(kubeconfigNames(kubeconfig)).toEqual(expect.arrayContaining([`kind-${BYSTANDER}`]))
}

/** Every name in a kubeconfig's clusters, users and contexts. */
export function kubeconfigNames(path: string): string[] {
  if (!existsSync(path)) return []
  const doc = (YAML.parse(readFileSync(path, 'utf8')) ?? {}) as Record<string, { name: string }[] | undefined>
  return ['clusters', 'users', 'contexts'].flatMap(k => (doc[k] ?? []).map(e => e.name))
}

/** The step's one error annotation, which must match every pattern given. */
export function expectOneError(log: string, ...patterns: RegExp[]): string {
  const errors = log.split('\n').filter(l => l.startsWith('::error::'))
  expect(errors, log.slice(-4000)).toHaveLength(1)
  for (const pattern of patterns) expect(errors[0], log.slice(-4000)).toMatch(pattern)
  return errors[0]
}

/** The failed phase the job summary names (creation failed/cancelled (SIGx) in “phase”), or undefined when it names none. */
export function summaryFailedPhase(runner: Runner): string | undefined {
  const summary = readFileSync(join(runner.base, 'summary.md'), 'utf8')
  return /creation (?:failed|cancelled \(SIG\w+\)) in “([^”]+)”/.exec(summary)?.[1]
}

/** The job summary's heading line. */
export function summaryHeading(runner: Runner): string {
  return readFileSync(join(runner.base, 'summary.md'), 'utf8').split('\n')[0]
}

/** What the cluster has on Docker now: its containers and their volumes (read before the post step). */
export async function clusterFootprint(cluster: string): Promise<{ containers: string[]; volumes: string[] }> {
  // One by one: a container the killed step was still creating may be listed and gone a moment later.
  const containers = await containersOf(cluster)
  const volumes: string[] = []
  for (const name of containers) {
    const out = await docker(['inspect', '-f', '{{range .Mounts}}{{if eq .Type "volume"}}{{.Name}} {{end}}{{end}}', name]).catch(() => '')
    volumes.push(...out.split(/\s+/).filter(Boolean))
  }
  return { containers, volumes }
}

/** Nothing of the cluster left after the post step. `before` is its footprint read before post ran. */
export async function expectNothingLeft(cluster: string, kubeconfig: string, before: { volumes: string[] }): Promise<void> {
  expect(await containersOf(cluster)).toEqual([])
  // A create request of a killed step may complete late: nothing may appear a moment after either.
  await new Promise(resolve => setTimeout(resolve, 3000))
  expect(await containersOf(cluster), 'a container appeared after the post step').toEqual([])
  for (const v of before.volumes) expect(await volumeExists(v), `volume ${v}`).toBe(false)
  expect((await docker(['network', 'ls', '--filter', `label=io.x-k8s.kind.cluster=${cluster}`, '--format', '{{.Name}}'])).trim()).toBe('')
  expect(kubeconfigNames(kubeconfig).filter(n => n === `kind-${cluster}`)).toEqual([])
  expect(existsSync(`${kubeconfig}.lock`)).toBe(false)
  await expectBystanderIntact(kubeconfig)
}

/** Removes whatever a failed assertion left, so that one case cannot spoil the next. */
export async function forceRemove(cluster: string): Promise<void> {
  const left = await containersOf(cluster)
  if (left.length) await docker(['rm', '-f', '-v', ...left])
}

/** A loopback port held open by this process, for a case whose config asks for a host port already in use. */
export function takenLoopbackPort(): { open: () => Promise<number>; close: () => Promise<void> } {
  const server = createServer()
  return {
    open: () => new Promise(resolve => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port))),
    close: () => new Promise(resolve => server.close(() => resolve()))
  }
}
