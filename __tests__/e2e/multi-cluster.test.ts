// 1 control plane + 2 workers, and a second cluster beside it in the same job: each with its own
// context in the same kubeconfig; the upstream kind CLI deletes one of ours; post steps clean up.
import { describe, expect, it } from 'vitest'
import { speedUpOn } from '../helpers/speed-ups.js'
import { ECHO, NODE_IMAGE, clustersThroughAction, containersOf, docker, kind, kubeconfigContexts, kubectl, runPost } from './harness.js'

const A = 'e2e-workers'
const B = 'e2e-second'

describe('two clusters in one job', () => {
  // Two steps of one job, one after the other, as a workflow runs them (post steps: B's, then A's).
  const {
    runner,
    mains: [a, b]
  } = clustersThroughAction([
    { label: 'A', inputs: { cluster_name: A, node_image: NODE_IMAGE, workers: '2' } },
    { label: 'B', inputs: { cluster_name: B, node_image: NODE_IMAGE } }
  ])

  it('names the nodes as kind does and reports them', async () => {
    expect(await containersOf(A)).toEqual([`${A}-control-plane`, `${A}-worker`, `${A}-worker2`])
    expect(JSON.parse(a.outputs.nodes).map((n: { name: string; role: string }) => `${n.name}:${n.role}`)).toEqual([
      `${A}-control-plane:control-plane`,
      `${A}-worker:worker`,
      `${A}-worker2:worker`
    ])
  })

  it('every node of the first cluster is Ready, through its own context', async () => {
    const ready = await kubectl(runner, [
      '--context',
      `kind-${A}`,
      'get',
      'nodes',
      '-o',
      'jsonpath={range .items[*]}{.metadata.name}={.status.conditions[?(@.type=="Ready")].status} {end}'
    ])
    expect(ready.trim().split(' ').sort()).toEqual([`${A}-control-plane=True`, `${A}-worker2=True`, `${A}-worker=True`].sort())
  })

  it.skipIf(speedUpOn('unpack-images-ahead'))('with unpack-images-ahead off, unpacked nothing ahead', () => {
    expect(a.log).not.toContain('Unpacked ahead on')
  })

  it.runIf(speedUpOn('unpack-images-ahead'))('each node unpacked its DaemonSets\' images ahead of its kubelet, and no control-plane image on workers', async () => {
    for (const node of [`${A}-control-plane`, `${A}-worker`, `${A}-worker2`]) {
      const line = a.log.split('\n').find(l => l.startsWith(`Unpacked ahead on ${node} in `) && /kindnetd/.test(l))
      expect(line, `no "Unpacked ahead on ${node}" line naming kindnetd in the log`).toBeDefined()
      const refs = line!.slice(line!.indexOf(': ') + 2).split(', ')
      expect(refs.some(r => /\/kube-proxy:/.test(r))).toBe(true)
      if (node.includes('worker')) expect(refs.some(r => /kube-apiserver|etcd/.test(r))).toBe(false)
      // And containerd agrees (ctr images check: REF TYPE DIGEST STATUS SIZE UNPACKED).
      const rows = (await docker(['exec', node, 'ctr', '--namespace=k8s.io', 'images', 'check'])).split('\n')
      for (const ref of refs) expect(rows.find(row => row.startsWith(`${ref} `)), ref).toMatch(/\btrue\s*$/)
    }
  })

  it('keeps both contexts in one kubeconfig, each reaching its own API server', async () => {
    expect(a.outputs.kubeconfig).toBe(b.outputs.kubeconfig)
    expect(kubeconfigContexts(a.outputs.kubeconfig)).toEqual(expect.arrayContaining([`kind-${A}`, `kind-${B}`]))
    expect(a.outputs.api_server).not.toBe(b.outputs.api_server)
    const nodesB = await kubectl(runner, ['--context', `kind-${B}`, 'get', 'nodes', '-o', 'name'])
    expect(nodesB.trim()).toBe(`node/${B}-control-plane`)
  })

  it('the upstream kind CLI lists both and deletes one of ours; that post step then finds nothing to fail on', async () => {
    const clusters = (await kind(['get', 'clusters'])).split('\n')
    expect(clusters).toEqual(expect.arrayContaining([A, B]))
    await kind(['delete', 'cluster', '--name', B, '--kubeconfig', b.outputs.kubeconfig])
    expect(await containersOf(B)).toEqual([])
    expect(kubeconfigContexts(b.outputs.kubeconfig)).not.toContain(`kind-${B}`)
    const post = await runPost(runner, b.step, { echo: ECHO })
    expect(post.exitCode).toBe(0)
    expect(post.log).not.toMatch(/::warning::/)
    expect(await containersOf(A)).toHaveLength(3)
  })
})
