// Failing for real causes: a bad config fails before any container exists; a kubeadm patch that breaks
// init fails in the right phase with kubeadm's own words, and the post step leaves nothing behind.
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { BAD_ROLE, KIND_HEADER } from '../helpers/kind-configs.js'
import { speedUpOn } from '../helpers/speed-ups.js'
import { ECHO, NODE_IMAGE, containersOf, docker, newRunner, runMain, runPost, volumesOf, volumeExists } from './harness.js'

describe('failures', () => {
  // A failed assertion must not leave a cluster for the next tests.
  afterAll(async () => {
    for (const name of ['e2e-badconfig', 'e2e-broken']) {
      const left = await containersOf(name)
      if (left.length) await docker(['rm', '-f', '-v', ...left])
    }
  })

  it('a bad config fails before anything is created, naming the field', async () => {
    const runner = newRunner()
    const config = BAD_ROLE
    const main = await runMain(runner, { cluster_name: 'e2e-badconfig', node_image: NODE_IMAGE, config }, { echo: ECHO })
    expect(main.exitCode).toBe(1)
    expect(main.log).toMatch(/::error::.*nodes\[0\]\.role/)
    expect(await containersOf('e2e-badconfig')).toEqual([])
    const post = await runPost(runner, main.step, { echo: ECHO })
    expect(post.exitCode).toBe(0)
  })

  it('a kubeadm patch that breaks init fails in the init phase with kubeadm output, and post cleans up', async () => {
    const runner = newRunner()
    const config = [
      `${KIND_HEADER}kubeadmConfigPatches:`,
      '- |',
      '  kind: ClusterConfiguration',
      // A control-plane version this kubeadm refuses: init fails at once, in kubeadm's own words.
      '  kubernetesVersion: v1.20.0'
    ].join('\n')
    const logsDir = mkdtempSync(join(tmpdir(), 'e2e-broken-logs-'))
    const main = await runMain(runner, { cluster_name: 'e2e-broken', node_image: NODE_IMAGE, config, logs_dir: logsDir }, { echo: ECHO })
    expect(main.exitCode).toBe(1)
    expect(main.log).toMatch(/::error::Starting control-plane \(kubeadm init\): command failed on node e2e-broken-control-plane/)
    expect(main.log).toMatch(/v1\.20\.0/)
    expect(await containersOf('e2e-broken')).toEqual(['e2e-broken-control-plane'])
    const volumes = await volumesOf('e2e-broken')

    const post = await runPost(runner, main.step, { echo: ECHO })
    expect(post.exitCode).toBe(0)
    // The log bundle kept on disk holds kubeadm's output naming the cause, and the node's logs.
    const nodeDir = join(logsDir, 'e2e-broken-control-plane')
    const kubeadmLog = readFileSync(join(nodeDir, 'kind-action', 'kubeadm-init.log'), 'utf8')
    expect(kubeadmLog).toMatch(/v1\.20\.0/)
    expect(kubeadmLog).toMatch(/exit code [1-9]/)
    if (speedUpOn('init-certs-while-booting')) {
      // The certificates made ahead of init failed for the same reason: said, kept, and left to init.
      expect(main.log).toContain("Making e2e-broken-control-plane's certificates ahead of kubeadm init did not work")
      expect(readFileSync(join(nodeDir, 'kind-action', 'kubeadm-init-certs-ca.log'), 'utf8')).toMatch(/v1\.20\.0[\s\S]*exit code [1-9]/)
    }
    expect(readdirSync(nodeDir)).toEqual(expect.arrayContaining(['kubelet.log', 'containerd.log', 'journal.log', 'inspect.json', 'serial.log']))
    // The job summary names the failed phase.
    const summary = readFileSync(join(runner.base, 'summary.md'), 'utf8')
    expect(summary).toContain('Starting control-plane (kubeadm init)')
    // And nothing is left behind.
    expect(await containersOf('e2e-broken')).toEqual([])
    for (const v of volumes) expect(await volumeExists(v)).toBe(false)
    expect(existsSync(logsDir)).toBe(true)
  })
})
