// Faults of the Docker Engine itself (issue 18): the daemon restarted mid-creation, and its disk full
// while a node's /var volume is copied. Both on a second dockerd this file starts and removes itself
// (second-daemon.ts), never the host's. The docker CLI of the checks talks to it through DOCKER_HOST,
// set for this file only (files of the faults project run one at a time).
import type { ChildProcess } from 'node:child_process'
import { existsSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ECHO, NODE_IMAGE, newRunner, runMain, runPost } from '../e2e/harness.js'
import {
  clusterFootprint, createBystander, expectNothingLeft, expectOneError, forceRemove, removeBystander, seededKubeconfig, summaryFailedPhase
} from './fault-checks.js'
import { fillDisk, freeBytes, loadImage, removeSecondDaemon, restartSecondDaemon, startSecondDaemon, stopSecondDaemon, type SecondDaemon } from './second-daemon.js'

let seed = Number(process.env.FAULTS_SEED ?? 18) >>> 0
function random(): number {
  seed = (seed * 1664525 + 1013904223) >>> 0
  return seed / 2 ** 32
}

let daemon: SecondDaemon
const savedHost = process.env.DOCKER_HOST

interface Fault {
  cluster: string
  onChild?: (c: ChildProcess) => void
  errors: RegExp[]
  phase: RegExp
  /** Run after main, before post (the daemon back, the disk freed). */
  recover: () => Promise<void>
}

async function faultCase(f: Fault): Promise<void> {
  const runner = newRunner()
  const kubeconfig = seededKubeconfig(runner)
  const logsDir = join(runner.base, 'logs')
  const step = { echo: ECHO, env: { DOCKER_HOST: daemon.host }, prefix: daemon.prefix }
  try {
    const inputs = { cluster_name: f.cluster, node_image: NODE_IMAGE, kubeconfig, logs_dir: logsDir }
    const main = await runMain(runner, inputs, { ...step, onChild: f.onChild })
    await f.recover()
    expect(main.exitCode, main.log.slice(-3000)).toBe(1)
    expectOneError(main.log, ...f.errors)
    expect(summaryFailedPhase(runner) ?? '').toMatch(f.phase)
    const before = await clusterFootprint(f.cluster)
    const post = await runPost(runner, main.step, step)
    expect(post.exitCode, post.log).toBe(0)
    expect(post.log, post.log).not.toMatch(/::error::/)
    expect(existsSync(logsDir), 'log bundle in logs_dir').toBe(true)
    await expectNothingLeft(f.cluster, kubeconfig, before)
  } finally {
    await f.recover().catch(() => undefined)
    await forceRemove(f.cluster).catch(() => undefined)
  }
}

describe('the Docker Engine fails mid-creation (a second dockerd)', () => {
  beforeAll(async () => {
    daemon = await startSecondDaemon('flt-dmn', 4)
    // Saved from the host's daemon (the process env still names it), loaded into the second.
    const seconds = loadImage(daemon, NODE_IMAGE)
    console.log(`faults/daemon: ${NODE_IMAGE} loaded into the second daemon in ${seconds.toFixed(1)} s`)
    process.env.DOCKER_HOST = daemon.host
    await createBystander(NODE_IMAGE)
  })
  afterAll(async () => {
    await removeBystander().catch(() => undefined)
    if (savedHost === undefined) delete process.env.DOCKER_HOST
    else process.env.DOCKER_HOST = savedHost
    if (daemon) await removeSecondDaemon(daemon)
  })

  it('dockerd restarted after the node booted (kubeadm init, or the boot phase around it): names the phase and the restart; post removes everything', async () => {
    const cluster = 'flt-dmn-restart'
    const delay = Math.floor(random() * 3000)
    let restarted: Promise<void> | undefined
    const onChild = (c: ChildProcess): void => {
      let seen = ''
      c.stdout?.on('data', chunk => {
        if (restarted) return
        seen += String(chunk)
        if (new RegExp(`Booting ${cluster}-control-plane: [\\d.]+ s`).test(seen)) {
          restarted = new Promise(r => setTimeout(r, delay)).then(() => stopSecondDaemon()).then(() => restartSecondDaemon(daemon))
        }
      })
    }
    await faultCase({
      cluster,
      onChild,
      errors: [/Docker Engine stopped answering/, /kubeadm init|Creating nodes/],
      phase: /kubeadm init|Creating nodes/,
      recover: async () => {
        expect(restarted, 'the trigger line never came').toBeDefined()
        await restarted
      }
    })
  })

  it('disk full while the node volume is copied: says no space left, where, and what to do', async () => {
    const cluster = 'flt-dmn-disk'
    let filler = ''
    await faultCase({
      cluster,
      onChild: () => {
        filler = fillDisk(daemon, 64 * 1024 * 1024)
        console.log(`faults/daemon: ${Math.round(freeBytes(daemon) / 2 ** 20)} MiB left free`)
      },
      errors: [/no space left on device on the Docker host/, new RegExp(`${cluster}-control-plane`), /free space/],
      phase: /./,
      recover: async () => {
        if (filler) rmSync(filler, { force: true })
      }
    })
  })
})
