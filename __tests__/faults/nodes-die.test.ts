// A node's container killed while it joins (issue 18): a worker, and a control plane of an HA cluster.
// The kill comes when `kubeadm join` is seen running in the container (docker top, as a person watching
// would see it), after a seeded random delay, so it lands inside the join itself. The main step must fail
// naming the node and that its container stopped; after the post step nothing of the cluster is left.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { kindConfig } from '../helpers/kind-configs.js'
import { ECHO, NODE_IMAGE, docker, newRunner, runMain, runPost } from '../e2e/harness.js'
import {
  KUBEADM_JOIN, clusterFootprint, createBystander, expectNothingLeft, expectOneError, faultRandom, forceRemove, removeBystander, repetitions,
  seededKubeconfig, summaryFailedPhase, whenRunning
} from './fault-checks.js'

interface KillCase {
  cluster: string
  config: string
  victim: string
}

async function killedMidJoin(c: KillCase): Promise<void> {
  const runner = newRunner()
  const kubeconfig = seededKubeconfig(runner)
  const logsDir = join(runner.base, 'logs')
  try {
    // kubeadm join takes seconds here; a kill within 0.5 s of its start nearly always lands inside it.
    const watch = whenRunning(c.victim, KUBEADM_JOIN, Math.floor(faultRandom() * 500), () => docker(['kill', c.victim]))
    const inputs = { cluster_name: c.cluster, node_image: NODE_IMAGE, kubeconfig, logs_dir: logsDir, config: c.config, wait: '60s' }
    const main = await runMain(runner, inputs, { echo: ECHO })
    watch.stop()
    expect(await watch.acted, `kubeadm join was never seen running in ${c.victim}:\n${main.log.slice(-3000)}`).toBe(true)
    expect(main.exitCode, main.log.slice(-3000)).toBe(1)
    // Killed inside the join, the join fails; killed as its join ended, the readiness wait fails. Either
    // way the error names the node and how its container stopped.
    const stopped = `its container exited with code 137 \\(SIGKILL\\)`
    const error = expectOneError(
      main.log,
      new RegExp(`^::error::(Joining ${c.victim}: node ${c.victim} stopped while running kubeadm join: ${stopped}\\. Something outside this step stopped it|Waiting for nodes Ready and CoreDNS: cluster not ready after 60 s \\(nodes not Ready: ${c.victim} \\(${stopped}: something outside this step stopped it\\))`)
    )
    expect(summaryFailedPhase(runner)).toBe(error.includes('::error::Joining') ? `Joining ${c.victim}` : 'Waiting for nodes Ready and CoreDNS')
    const before = await clusterFootprint(c.cluster)
    expect(before.containers).toContain(c.victim)
    const post = await runPost(runner, main.step, { echo: ECHO })
    expect(post.exitCode, post.log).toBe(0)
    expect(post.log).not.toMatch(/::error::/)
    expect(existsSync(logsDir), 'log bundle in logs_dir').toBe(true)
    await expectNothingLeft(c.cluster, kubeconfig, before)
  } finally {
    await forceRemove(c.cluster)
  }
}

describe('a node killed while it joins', () => {
  beforeAll(() => createBystander(NODE_IMAGE))
  afterAll(() => removeBystander())

  for (const run of repetitions()) {
    it(`a worker killed mid-join${run.label}`, async () => {
      await killedMidJoin({ cluster: 'flt-kill-wk', config: kindConfig(['control-plane', 'worker']), victim: 'flt-kill-wk-worker' })
    })
  }

  // Two control planes: the smallest HA cluster (a load balancer in front), the second one killed as it joins etcd.
  for (const run of repetitions()) {
    it(`a control plane of an HA cluster killed mid-join${run.label}`, async () => {
      await killedMidJoin({
        cluster: 'flt-kill-cp', config: kindConfig(['control-plane', 'control-plane']), victim: 'flt-kill-cp-control-plane2'
      })
    })
  }
})
