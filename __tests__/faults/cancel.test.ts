// The runner ends a step mid-creation (issue 18): SIGTERM or SIGINT (a cancelled job), or SIGKILL (no
// chance to clean). The phase is found from the step's own log lines as a runner would see them, and
// the signal comes at a random point a little after (seeded: FAULTS_SEED picks another). After the post
// step nothing of the cluster is left, whatever the main step managed to do.
import type { ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { KIND_HEADER } from '../helpers/kind-configs.js'
import { ECHO, NODE_IMAGE, newRunner, runMain, runPost } from '../e2e/harness.js'
import {
  clusterFootprint, createBystander, expectNothingLeft, expectOneError, faultRandom, forceRemove, removeBystander, repetitions, seededKubeconfig,
  summaryFailedPhase, summaryHeading
} from './fault-checks.js'

/** Sends `signal` once a line of the step's output matches `when`, after a random delay up to `maxDelayMs`. */
function signalWhen(when: RegExp, signal: NodeJS.Signals, maxDelayMs: number): { onChild: (c: ChildProcess) => void; sent: () => boolean } {
  let sent = false
  let seen = ''
  const delay = Math.floor(faultRandom() * maxDelayMs)
  const onChild = (child: ChildProcess): void => {
    child.stdout?.on('data', chunk => {
      if (sent) return
      seen += String(chunk)
      if (when.test(seen)) {
        sent = true
        setTimeout(() => child.kill(signal), delay)
      }
    })
  }
  return { onChild, sent: () => sent }
}

interface CancelCase {
  cluster: string
  signal: NodeJS.Signals
  when: RegExp
  maxDelayMs: number
  inputs?: Record<string, string>
  /** The phases the signal may land in (the delay is random within a bound). */
  phases: RegExp
}

async function cancelledCase(c: CancelCase): Promise<void> {
  const runner = newRunner()
  const kubeconfig = seededKubeconfig(runner)
  const logsDir = join(runner.base, 'logs')
  try {
    const trigger = signalWhen(c.when, c.signal, c.maxDelayMs)
    const inputs = { cluster_name: c.cluster, node_image: NODE_IMAGE, kubeconfig, logs_dir: logsDir, ...c.inputs }
    const main = await runMain(runner, inputs, { echo: ECHO, onChild: trigger.onChild })
    expect(trigger.sent(), `the trigger line never came:\n${main.log.slice(-3000)}`).toBe(true)
    const before = await clusterFootprint(c.cluster)
    if (c.signal === 'SIGKILL') {
      // No word from a killed step; the runner says it was killed.
      expect(main.signal).toBe('SIGKILL')
      expect(main.log).not.toMatch(/::error::/)
    } else {
      expect(main.exitCode, main.log.slice(-3000)).toBe(c.signal === 'SIGTERM' ? 143 : 130)
      const error = expectOneError(main.log, new RegExp(`^::error::cancelled \\(${c.signal}\\) during `))
      const phase = error.replace(/^::error::cancelled \(SIG\w+\) during /, '')
      expect(phase).toMatch(c.phases)
      expect(summaryFailedPhase(runner) ?? phase).toBe(phase)
    }
    expect(before.containers.length, 'the signal came before any container existed: the case proves nothing').toBeGreaterThan(0)
    const post = await runPost(runner, main.step, { echo: ECHO })
    expect(post.exitCode, post.log).toBe(0)
    expect(post.log).not.toMatch(/::error::/)
    if (c.signal === 'SIGKILL') expect(summaryHeading(runner)).toContain('the main step did not finish')
    else expect(summaryHeading(runner)).toMatch(new RegExp(`creation cancelled \\(${c.signal}\\) in “`))
    expect(existsSync(logsDir), 'log bundle in logs_dir').toBe(true)
    await expectNothingLeft(c.cluster, kubeconfig, before)
  } finally {
    await forceRemove(c.cluster)
  }
}

// No CNI, so no node is ever Ready: the readiness wait lasts until the signal, whatever the machine's speed.
const NEVER_READY = `${KIND_HEADER}networking:\n  disableDefaultCNI: true\n`

describe('cancelled and killed creations', () => {
  beforeAll(() => createBystander(NODE_IMAGE))
  afterAll(() => removeBystander())

  // Each phase gets both signals a runner sends: the runs alternate them, starting from a different one per phase.
  for (const run of repetitions()) {
    const signal = (first: NodeJS.Signals): NodeJS.Signals => (run.index % 2 === 0 ? first : first === 'SIGTERM' ? 'SIGINT' : 'SIGTERM')

    it(`${signal('SIGTERM')} during node creation${run.label}`, async () => {
      await cancelledCase({
        cluster: 'flt-cancel-boot', signal: signal('SIGTERM'), when: /::group::Creating nodes, starting the control plane/, maxDelayMs: 1500,
        phases: /^(Booting flt-cancel-boot-control-plane|Creating nodes, starting the control plane)$/
      })
    })

    it(`${signal('SIGTERM')} during kubeadm init${run.label}`, async () => {
      await cancelledCase({
        cluster: 'flt-cancel-init', signal: signal('SIGTERM'), when: /Booting flt-cancel-init-control-plane: [\d.]+ s/, maxDelayMs: 3000,
        phases: /kubeadm init|Creating nodes, starting the control plane/
      })
    })

    // The worker joins while the add-ons are applied: the phase named is every phase running then. On an
    // idle machine the join can be over within the delay (seen in a clean-clone CI run: "Reading kubeconfig"),
    // so any phase after kubeadm init may be the one named; never one that had ended before it.
    it(`${signal('SIGINT')} during the join and add-ons after kubeadm init${run.label}`, async () => {
      await cancelledCase({
        cluster: 'flt-cancel-join', signal: signal('SIGINT'), when: /Starting control-plane \(kubeadm init\): [\d.]+ s/, maxDelayMs: 1000,
        inputs: { workers: '1' },
        phases: /Joining flt-cancel-join-worker|Installing CNI|Installing StorageClass|Finalizing the kubelet|Reading kubeconfig|Exporting kubeconfig|Waiting for nodes Ready and CoreDNS|Creating nodes, starting the control plane/
      })
    })

    it(`${signal('SIGINT')} during the readiness wait${run.label}`, async () => {
      await cancelledCase({
        cluster: 'flt-cancel-wait', signal: signal('SIGINT'), when: /::group::Waiting for nodes Ready and CoreDNS/, maxDelayMs: 3000,
        inputs: { config: NEVER_READY, wait: '5m' },
        phases: /Waiting for nodes Ready and CoreDNS/
      })
    })
  }

  it('SIGKILL mid-creation: the post step alone removes everything', async () => {
    await cancelledCase({
      cluster: 'flt-kill', signal: 'SIGKILL', when: /Booting flt-kill-control-plane: [\d.]+ s/, maxDelayMs: 3000, phases: /./
    })
  })
})
