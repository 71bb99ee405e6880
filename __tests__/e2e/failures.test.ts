// Failing for real causes: a bad config fails before any container exists; a kubeadm patch that breaks
// init fails in the right phase with kubeadm's own words, and the post step leaves nothing behind.
import { describe, expect, it } from 'vitest'
import { ECHO, NODE_IMAGE, containersOf, newRunner, runMain, runPost } from './harness.js'

describe('failures', () => {
  it('a bad config fails before anything is created, naming the field', async () => {
    const runner = newRunner()
    const config = 'kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnodes:\n- role: master\n'
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
      'kind: Cluster',
      'apiVersion: kind.x-k8s.io/v1alpha4',
      'kubeadmConfigPatches:',
      '- |',
      '  kind: ClusterConfiguration',
      '  kubernetesVersion: v1.99.0'
    ].join('\n')
    const main = await runMain(runner, { cluster_name: 'e2e-broken', node_image: NODE_IMAGE, config }, { echo: ECHO })
    expect(main.exitCode).toBe(1)
    expect(main.log).toMatch(/::error::Starting control-plane \(kubeadm init\): command failed on node e2e-broken-control-plane/)
    expect(main.log).toMatch(/1\.99\.0/)
    expect(await containersOf('e2e-broken')).toEqual(['e2e-broken-control-plane'])
    const post = await runPost(runner, main.step, { echo: ECHO })
    expect(post.exitCode).toBe(0)
    expect(await containersOf('e2e-broken')).toEqual([])
  })
})
