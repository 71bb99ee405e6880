// A name already taken, and keep_on_failure (issue 18): a second main step that reuses a cluster_name
// fails naming cluster_name and leaves the existing cluster (this action's, or the upstream kind CLI's)
// exactly as it was; keep_on_failure: true leaves exactly the failed cluster and says how to delete it.
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { KIND_HEADER } from '../helpers/kind-configs.js'
import { ECHO, KIND_CLI, NODE_IMAGE, containersOf, docker, kind, newRunner, runMain, runPost, sh } from '../e2e/harness.js'
import {
  clusterFootprint, createBystander, expectBystanderIntact, expectNothingLeft, expectOneError, forceRemove, kubeconfigNames, removeBystander,
  seededKubeconfig, summaryFailedPhase,
  takenLoopbackPort
} from './fault-checks.js'

/** Container IDs of a cluster: the same IDs afterwards mean nothing was replaced. */
async function containerIds(cluster: string): Promise<string> {
  return (await docker(['ps', '-a', '--filter', `label=io.x-k8s.kind.cluster=${cluster}`, '--format', '{{.ID}} {{.Names}} {{.State}}'])).split('\n').sort().join('\n')
}

/** A second main step with the name of a cluster that exists, and its post step; the cluster must be untouched. */
async function reuseName(cluster: string, existingKubeconfig: string): Promise<void> {
  const runner = newRunner()
  const kubeconfig = seededKubeconfig(runner)
  const before = await containerIds(cluster)
  const entriesBefore = kubeconfigNames(existingKubeconfig)
  const main = await runMain(runner, { cluster_name: cluster, node_image: NODE_IMAGE, kubeconfig, logs_dir: join(runner.base, 'logs') }, { echo: ECHO })
  expect(main.exitCode).toBe(1)
  expectOneError(main.log, new RegExp(`^::error::Checking the cluster name is free: node\\(s\\) already exist for a cluster with the name "${cluster}"`), /pick another cluster_name/)
  expect(summaryFailedPhase(runner)).toBe('Checking the cluster name is free')
  const post = await runPost(runner, main.step, { echo: ECHO })
  expect(post.exitCode).toBe(0)
  expect(post.log).toContain('The main step created nothing: nothing to clean up.')
  expect(await containerIds(cluster)).toBe(before)
  expect(before).toMatch(/running/)
  expect(kubeconfigNames(existingKubeconfig)).toEqual(entriesBefore)
  expect(kubeconfigNames(kubeconfig).filter(n => n === `kind-${cluster}`)).toEqual([])
  await expectBystanderIntact(kubeconfig)
}

describe('a cluster_name in use, and keep_on_failure', () => {
  beforeAll(() => createBystander(NODE_IMAGE))
  afterAll(() => removeBystander())

  it('in use by a cluster of the upstream kind CLI: fails naming cluster_name, that cluster untouched', async () => {
    const cluster = 'flt-kind-cli'
    const kindKubeconfig = join(newRunner().base, 'kind.kubeconfig')
    try {
      await kind(['create', 'cluster', '--name', cluster, '--image', NODE_IMAGE, '--kubeconfig', kindKubeconfig])
      await reuseName(cluster, kindKubeconfig)
      expect(kubeconfigNames(kindKubeconfig)).toContain(`kind-${cluster}`)
    } finally {
      await kind(['delete', 'cluster', '--name', cluster, '--kubeconfig', kindKubeconfig]).catch(() => undefined)
      await forceRemove(cluster)
    }
  })

  it("in use by this action's earlier step: fails naming cluster_name; the first cluster stays until its own post step", async () => {
    const cluster = 'flt-reused'
    const runner = newRunner()
    const kubeconfig = seededKubeconfig(runner)
    try {
      const first = await runMain(runner, { cluster_name: cluster, node_image: NODE_IMAGE, kubeconfig, wait: '0s' }, { echo: ECHO })
      expect(first.exitCode, first.log.slice(-3000)).toBe(0)
      await reuseName(cluster, kubeconfig)
      const footprint = await clusterFootprint(cluster)
      const post = await runPost(runner, first.step, { echo: ECHO })
      expect(post.exitCode).toBe(0)
      await expectNothingLeft(cluster, kubeconfig, footprint)
    } finally {
      await forceRemove(cluster)
    }
  })

  describe('keep_on_failure: true', () => {
    const taken = takenLoopbackPort()
    let port: number
    beforeAll(async () => (port = await taken.open()))
    afterAll(() => taken.close())

    it('leaves exactly the failed cluster and says how to delete it; that command deletes it', async () => {
      const cluster = 'flt-keep'
      const runner = newRunner()
      const kubeconfig = seededKubeconfig(runner)
      // The second node's port is taken: the first node is up when the creation fails.
      const config = `${KIND_HEADER}nodes:\n- role: control-plane\n- role: worker\n  extraPortMappings:\n  - {containerPort: 80, hostPort: ${port}, listenAddress: 127.0.0.1}\n`
      try {
        const main = await runMain(runner, { cluster_name: cluster, node_image: NODE_IMAGE, kubeconfig, config, keep_on_failure: 'true' }, { echo: ECHO })
        expect(main.exitCode).toBe(1)
        expectOneError(main.log, /nodes\[1\]\.extraPortMappings\[0\]\.hostPort/)
        const kept = await containersOf(cluster)
        expect(kept.length).toBeGreaterThan(0)
        const post = await runPost(runner, main.step, { echo: ECHO })
        expect(post.exitCode).toBe(0)
        expect(post.log).toContain(`keep_on_failure is true and creation failed: leaving cluster "${cluster}" running.`)
        expect(post.log).toContain(`kind delete cluster --name ${cluster}`)
        // Exactly the cluster: the same containers, nothing else of ours.
        expect(await containersOf(cluster)).toEqual(kept)
        await expectBystanderIntact(kubeconfig)
        const footprint = await clusterFootprint(cluster)
        await sh(KIND_CLI, ['delete', 'cluster', '--name', cluster, '--kubeconfig', kubeconfig])
        await expectNothingLeft(cluster, kubeconfig, footprint)
      } finally {
        await forceRemove(cluster)
      }
    })
  })
})
