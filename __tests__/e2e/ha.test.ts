// Three control planes and two workers behind the load balancer, from an inline config; the API keeps
// answering through the load balancer when a control-plane container stops.
import { describe, expect, it } from 'vitest'
import { CONTROLLER_ACCOUNTS } from '../../src/cluster/controller-accounts.js'
import { speedUpOn } from '../helpers/speed-ups.js'
import { HA_3CP_2W } from '../helpers/kind-configs.js'
import { NODE_IMAGE, clusterThroughAction, containersOf, docker, kubectl, retry } from './harness.js'

const CLUSTER = 'e2e-ha'
const CONFIG = HA_3CP_2W

describe('HA cluster through the built action', () => {
  const { runner, main } = clusterThroughAction(
    { cluster_name: CLUSTER, node_image: NODE_IMAGE, config: CONFIG, wait: '8m' },
    {
      after: async post => {
        if (post) {
          expect(post.exitCode).toBe(0)
          expect(await containersOf(CLUSTER)).toEqual([])
        }
      }
    }
  )

  it('creates the nodes and the load balancer with kind names and roles', async () => {
    const names = await containersOf(CLUSTER)
    expect(names).toEqual([
      `${CLUSTER}-control-plane`,
      `${CLUSTER}-control-plane2`,
      `${CLUSTER}-control-plane3`,
      `${CLUSTER}-external-load-balancer`,
      `${CLUSTER}-worker`,
      `${CLUSTER}-worker2`
    ])
    const role = await docker(['inspect', '-f', '{{index .Config.Labels "io.x-k8s.kind.role"}}', `${CLUSTER}-external-load-balancer`])
    expect(role.trim()).toBe('external-load-balancer')
    const lbPort = await docker(['port', `${CLUSTER}-external-load-balancer`, '6443/tcp'])
    expect(main.outputs.api_server).toBe(`https://${lbPort.trim().split('\n')[0]}`)
  })

  // Straight to the bootstrap node, not through the load balancer: its health checks route to a new API
  // server only 2-4 s after it is healthy, which under load was after init had ended (a CI failure).
  it("made the controller manager's service accounts and the addons' objects ahead of kubeadm, and kube-system holds them", async () => {
    if (speedUpOn('controller-accounts-ahead')) {
      expect(main.log).toMatch(/^Made the controller manager's service accounts ahead of it in [\d.]+ s: \d+ created, \d+ already there$/m)
    } else {
      expect(main.log).not.toContain('service accounts ahead of it')
    }
    expect(main.log).not.toContain('with kubectl in')
    const names = (await kubectl(runner, ['get', 'serviceaccounts', '-n', 'kube-system', '-o', 'name'])).split('\n')
    expect(names).toEqual(expect.arrayContaining(CONTROLLER_ACCOUNTS.map(n => `serviceaccount/${n}`)))
  })

  it("lists every control plane's static pods as soon as the step ends", async () => {
    const pods = await kubectl(runner, ['get', 'pods', '-n', 'kube-system', '-l', 'tier=control-plane', '-o', 'jsonpath={.items[*].metadata.name}'])
    const expected = ['control-plane', 'control-plane2', 'control-plane3'].flatMap(node =>
      ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler'].map(c => `${c}-${CLUSTER}-${node}`)
    )
    expect(pods.split(' ').sort()).toEqual(expected.sort())
  })

  it('every node is Ready and the worker carries its config label', async () => {
    const ready = await kubectl(runner, ['get', 'nodes', '-o', 'jsonpath={.items[*].status.conditions[?(@.type=="Ready")].status}'])
    expect(ready.split(' ')).toEqual(['True', 'True', 'True', 'True', 'True'])
    expect((await kubectl(runner, ['get', 'nodes', '-l', 'tier=backend', '-o', 'name'])).trim()).toBe(`node/${CLUSTER}-worker`)
  })

  it('every control plane is an etcd member and has the shared keys with their owner-only modes', async () => {
    const members = await docker([
      'exec', `${CLUSTER}-control-plane`, 'sh', '-c',
      'crictl exec $(crictl ps -q --name etcd) etcdctl --cacert /etc/kubernetes/pki/etcd/ca.crt ' +
        '--cert /etc/kubernetes/pki/etcd/server.crt --key /etc/kubernetes/pki/etcd/server.key member list -w simple'
    ])
    const started = members.trim().split('\n').filter(line => /, started, /.test(line) && /, false$/.test(line.trim()))
    expect(started).toHaveLength(3)
    for (const node of [`${CLUSTER}-control-plane2`, `${CLUSTER}-control-plane3`]) {
      const modes = await docker(['exec', node, 'stat', '-c', '%n %a', '/etc/kubernetes/pki/ca.key', '/etc/kubernetes/pki/sa.key', '/etc/kubernetes/pki/etcd/ca.key'])
      expect(modes.trim().split('\n').map(line => line.split(' ')[1])).toEqual(['600', '600', '600'])
    }
  })

  it('the API still answers through the load balancer with one control plane stopped', async () => {
    await docker(['stop', `${CLUSTER}-control-plane2`])
    const nodes = await retry('listing nodes through the load balancer', () => kubectl(runner, ['get', 'nodes', '-o', 'name', '--request-timeout=10s']), 60_000)
    expect(nodes.trim().split('\n')).toHaveLength(5)
    // Several requests in a row, so that the round robin would have hit the stopped backend. HAProxy
    // (kind's config) takes that backend out once its health checks have failed, which takes a few
    // seconds; a request it sends there before then can time out, so the run of six is tried again.
    await retry(
      'six requests in a row through the load balancer',
      async () => {
        for (let i = 0; i < 6; i++) await kubectl(runner, ['get', '--raw', '/healthz', '--request-timeout=10s'])
      },
      120_000
    )
  })
})
