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
  clusterFootprint, createBystander, expectNothingLeft, expectOneError, faultRandom, forceRemove, removeBystander, seededKubeconfig, summaryFailedPhase,
  whenRunning
} from './fault-checks.js'
import { kindConfig } from '../helpers/kind-configs.js'
import { LOAD_BALANCER_IMAGE } from '../../src/node-images.js'
import { fillDisk, freeBytes, loadImage, removeSecondDaemon, restartSecondDaemon, startSecondDaemon, stopSecondDaemon, type SecondDaemon } from './second-daemon.js'

let daemon: SecondDaemon
const savedHost = process.env.DOCKER_HOST

interface Fault {
  cluster: string
  inputs?: Record<string, string>
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
    const inputs = { cluster_name: f.cluster, node_image: NODE_IMAGE, kubeconfig, logs_dir: logsDir, ...f.inputs }
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

  it('dockerd restarted while kubeadm init runs: names the phase and that the Engine stopped answering; post removes everything', async () => {
    const cluster = 'flt-dmn-restart'
    const restart = whenRunning(`${cluster}-control-plane`, /kubeadm init (?!phase)/, Math.floor(faultRandom() * 3000), async () => {
      await stopSecondDaemon()
      await restartSecondDaemon(daemon)
    })
    await faultCase({
      cluster,
      errors: [/Docker Engine stopped answering \(restarted\?\) during [^:]*kubeadm init/],
      phase: /kubeadm init|^Creating nodes, starting the control plane$/,
      recover: async () => {
        restart.stop()
        expect(await restart.acted, 'kubeadm init was never seen running').toBe(true)
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
  // Only the node image is on this daemon: an HA cluster's load balancer image is missing, and no
  // registry answers here, as a runner offline or refused by its registry would see it.
  it('the load balancer image is missing and cannot be pulled: names it and what to do', async () => {
    await faultCase({
      cluster: 'flt-dmn-no-lb',
      inputs: { config: kindConfig(['control-plane', 'control-plane']) },
      errors: [
        new RegExp(`^::error::Preparing images, network and host: image ${LOAD_BALANCER_IMAGE.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not on the Docker host and pulling`),
        /put the image on the Docker host before this step \(docker load/
      ],
      phase: /^Preparing images, network and host$/,
      recover: async () => undefined
    })
  })
})
