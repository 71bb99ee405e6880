// 1 control plane + 1 worker through the built action, and the cgroup facts the nodes depend on: each
// node container gets a private cgroup namespace and sees the host's cgroup version (cgroup2fs on a v2
// host such as GitHub's runners and hack/vm's guest, the v1 hierarchy's tmpfs here), every node goes
// Ready and CoreDNS available; the post step leaves nothing behind.
import { describe, expect, it } from 'vitest'
import { E2E_WAIT, ECHO, NODE_IMAGE, clusterThroughAction, containersOf, docker, kubectl, runPost, slowHostConfig } from './harness.js'

const CLUSTER = 'e2e-one-worker'
const NODES = [`${CLUSTER}-control-plane`, `${CLUSTER}-worker`]

describe('1 control plane + 1 worker through the built action', () => {
  const slow = slowHostConfig(1)
  const { runner, main } = clusterThroughAction({ cluster_name: CLUSTER, node_image: NODE_IMAGE, wait: E2E_WAIT, ...(slow ? { config: slow } : { workers: '1' }) })

  it('makes a control plane and a worker, each in a private cgroup namespace', async () => {
    expect(await containersOf(CLUSTER)).toEqual(NODES)
    for (const node of NODES) expect((await docker(['inspect', '-f', '{{.HostConfig.CgroupnsMode}}', node])).trim()).toBe('private')
  })

  it("gives every node the host's cgroup version", async () => {
    const hostVersion = (await docker(['info', '-f', '{{.CgroupVersion}}'])).trim()
    const expected = hostVersion === '2' ? 'cgroup2fs' : 'tmpfs'
    for (const node of NODES) expect((await docker(['exec', node, 'stat', '-fc', '%T', '/sys/fs/cgroup'])).trim(), node).toBe(expected)
  })

  it('every node is Ready and CoreDNS is available', async () => {
    const ready = await kubectl(runner, ['get', 'nodes', '-o', 'jsonpath={range .items[*]}{.metadata.name}={.status.conditions[?(@.type=="Ready")].status} {end}'])
    expect(ready.trim().split(' ').sort()).toEqual(NODES.map(n => `${n}=True`))
    const available = await kubectl(runner, ['-n', 'kube-system', 'get', 'deployment/coredns', '-o', 'jsonpath={.status.conditions[?(@.type=="Available")].status}'])
    expect(available).toBe('True')
  })

  it.runIf(slow)("raises kubeadm's timeouts on a slow host through kubeadmConfigPatches", async () => {
    const timeout = process.env.KIND_ACTION_E2E_KUBEADM_TIMEOUT
    expect(await docker(['exec', NODES[0], 'cat', '/kind/kubeadm.conf'])).toContain(`kubernetesAPICall: ${timeout}`)
    expect(await docker(['exec', NODES[1], 'cat', '/kind/kubeadm.conf'])).toContain(`tlsBootstrap: ${timeout}`)
  })

  it('post step removes both nodes', async () => {
    const post = await runPost(runner, main.step, { echo: ECHO })
    expect(post.exitCode).toBe(0)
    expect(await containersOf(CLUSTER)).toEqual([])
  })
})
