import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { exportLogs, VAR_LOG_TAR } from '../../../src/logs/export.js'
import { fakeDocker, type Answer, type FakeNode } from './fake-docker.js'
import { EVENTS, NODES, PODS } from './kube-fixtures.js'
import { archive, entry } from './tar-builder.js'

const CLUSTER: FakeNode[] = [
  { name: 'kind-worker', role: 'worker', cluster: 'kind' },
  { name: 'kind-control-plane2', role: 'control-plane', cluster: 'kind' },
  { name: 'kind-control-plane', role: 'control-plane', cluster: 'kind' },
  { name: 'kind-external-load-balancer', role: 'external-load-balancer', cluster: 'kind' },
  { name: 'other-control-plane', role: 'control-plane', cluster: 'other' }
]

const healthy: Answer = (node, command) => {
  const line = command.join(' ')
  if (line === VAR_LOG_TAR.join(' ')) return { stdout: archive(entry('./pods/p/c/0.log', `pod log on ${node}\n`), entry('./syslog', 'sys\n')) }
  if (line === 'cat /kind/version') return { stdout: 'v1.34.4' }
  if (line === 'journalctl --no-pager') return { stdout: `journal of ${node}\n` }
  if (line.startsWith('journalctl --no-pager -u')) return { stdout: `${command[3]} of ${node}\n` }
  if (line === 'crictl images') return { stdout: 'IMAGE TAG\n' }
  if (command[0] === 'kubectl') {
    const args = line.split(' ').slice(3).join(' ')
    if (args === 'get nodes -o json') return { stdout: NODES }
    if (args === 'get events --all-namespaces -o json') return { stdout: EVENTS }
    if (args === 'get pods --all-namespaces -o json') return { stdout: PODS }
    return { stdout: `kubectl ${args}\n` }
  }
  return { exitCode: 127, stderr: `${command[0]}: not found` }
}

function scratch(): string {
  return mkdtempSync(join(tmpdir(), 'export-test-'))
}

function read(dir: string, path: string): string {
  return readFileSync(join(dir, path), 'utf8')
}

describe('exportLogs', () => {
  it('writes kind\'s layout for every internal node, skips the load balancer, and adds the cluster view', async () => {
    const docker = fakeDocker(CLUSTER, healthy)
    const dir = scratch()
    const result = await exportLogs({ docker, clusterName: 'kind', dir })
    expect(result.errors).toEqual([])
    expect(result.nodes).toEqual(['kind-control-plane', 'kind-control-plane2', 'kind-worker'])
    expect(readdirSync(dir).sort()).toEqual(['cluster-view', 'docker-info.txt', 'kind-control-plane', 'kind-control-plane2', 'kind-version.txt', 'kind-worker'])
    for (const node of result.nodes) {
      expect(readdirSync(join(dir, node)).sort()).toEqual([
        'containerd.log',
        'images.log',
        'inspect.json',
        'journal.log',
        'kubelet.log',
        'kubernetes-version.txt',
        'pods',
        'serial.log',
        'syslog'
      ])
      expect(read(dir, `${node}/pods/p/c/0.log`)).toBe(`pod log on ${node}\n`)
      expect(read(dir, `${node}/kubelet.log`)).toBe(`kubelet.service of ${node}\n`)
      expect(read(dir, `${node}/kubernetes-version.txt`)).toBe('v1.34.4')
      expect(JSON.parse(read(dir, `${node}/inspect.json`))).toEqual([{ Id: node, Name: `/${node}` }])
    }
    expect(read(dir, 'kind-version.txt')).toMatch(/^kind-action v\d+\.\d+\.\d+ \(not the kind CLI/)
    expect(read(dir, 'docker-info.txt')).toContain('"ServerVersion": "28.0"')
    // kubectl runs in the bootstrap control plane (the first by name), with kubeadm's admin kubeconfig.
    const kubectlNodes = new Set(docker.commands.filter(c => c.includes(' kubectl ')).map(c => c.split(':')[0]))
    expect([...kubectlNodes]).toEqual(['kind-control-plane'])
    expect(docker.commands.some(c => c.startsWith('kind-external-load-balancer'))).toBe(false)
    expect(readdirSync(join(dir, 'cluster-view')).sort()).toEqual(['events.txt', 'get-all.txt', 'node-conditions.txt', 'nodes.txt', 'pods-not-ready.txt'])
    expect(result.notReadyPods.map(p => p.name)).toEqual(['oom', 'coredns-1', 'crashy'])
    expect(result.apiServerAnswered).toBe(true)
    expect(existsSync(join(dir, 'errors.txt'))).toBe(false)
    expect(result.files).toBe(2 + 3 * 9 + 5)
  })

  it('collects what it can from a stopped node and a dead API server, and says what it could not in errors.txt', async () => {
    const nodes: FakeNode[] = [
      { name: 'kind-control-plane', role: 'control-plane', cluster: 'kind' },
      { name: 'kind-worker', role: 'worker', cluster: 'kind', state: 'exited' }
    ]
    const docker = fakeDocker(nodes, (node, command) => {
      if (command[0] === 'kubectl') return { exitCode: 1, stderr: 'The connection to the server kind-control-plane:6443 was refused' }
      if (command[0] === 'crictl') return { stdout: 'partial\n', exitCode: 1, stderr: 'crictl: runtime not ready' }
      return healthy(node, command)
    })
    const dir = scratch()
    const result = await exportLogs({ docker, clusterName: 'kind', dir })
    expect(readdirSync(join(dir, 'kind-worker')).sort()).toEqual(['inspect.json', 'serial.log'])
    expect(read(dir, 'kind-control-plane/images.log')).toBe('partial\ncrictl: runtime not ready')
    expect(result.apiServerAnswered).toBe(false)
    expect(read(dir, 'errors.txt').trimEnd().split('\n')).toEqual([
      'cluster view: kubectl get nodes (exit code 1): The connection to the server kind-control-plane:6443 was refused [node conditions]',
      'cluster view: the API server did not answer: no cluster view (the node logs say why)',
      'kind-control-plane/images.log: crictl images exited with code 1: crictl: runtime not ready',
      'kind-worker: the container is not running (exited); only serial.log and inspect.json were collected'
    ])
  })

  it('says the cluster is unknown when no container carries its label, and still writes docker info', async () => {
    const dir = scratch()
    const result = await exportLogs({ docker: fakeDocker(CLUSTER, healthy), clusterName: 'nope', dir })
    expect(result.nodes).toEqual([])
    expect(result.errors).toEqual(['unknown cluster "nope": no node containers carry the label io.x-k8s.kind.cluster=nope'])
    expect(readdirSync(dir).sort()).toEqual(['docker-info.txt', 'errors.txt', 'kind-version.txt'])
  })

  it('narrows the nodes to extra labels (this job\'s containers)', async () => {
    const nodes: FakeNode[] = [
      { name: 'kind-control-plane', role: 'control-plane', cluster: 'kind', labels: { owner: 'someone-else' } }
    ]
    const result = await exportLogs({ docker: fakeDocker(nodes, healthy), clusterName: 'kind', dir: scratch(), labels: { owner: 'me' } })
    expect(result.nodes).toEqual([])
  })

  it('caps command output to its tail and abandons a command that hangs', async () => {
    const docker = fakeDocker([{ name: 'kind-control-plane', role: 'control-plane', cluster: 'kind' }], (node, command) => {
      if (command.join(' ') === 'journalctl --no-pager') return { stdout: 'x'.repeat(5000) + 'LAST LINE\n' }
      if (command[0] === 'crictl') return { hang: true }
      return healthy(node, command)
    })
    const dir = scratch()
    const result = await exportLogs({ docker, clusterName: 'kind', dir, limits: { maxFileBytes: 1000, commandTimeoutMs: 300 } })
    const journal = read(dir, 'kind-control-plane/journal.log')
    expect(journal.split('\n')[0]).toBe('[kind-action] truncated: the first 3.9 KiB were dropped; kept the last 1000 B of 4.9 KiB')
    expect(journal.endsWith('LAST LINE\n')).toBe(true)
    expect(result.errors).toEqual(['kind-control-plane/images.log: crictl images on kind-control-plane did not finish within 0 s'])
  })

  it('runs no more node commands at once than its concurrency', async () => {
    const docker = fakeDocker(CLUSTER, healthy)
    await exportLogs({ docker, clusterName: 'kind', dir: scratch(), limits: { concurrency: 2 } })
    expect(docker.maxRunning).toBe(2)
  })

  it('records a tar that fails, keeping the files it sent', async () => {
    const docker = fakeDocker([{ name: 'kind-control-plane', role: 'control-plane', cluster: 'kind' }], (node, command) =>
      command.join(' ') === VAR_LOG_TAR.join(' ')
        ? { stdout: archive(entry('./kept.log', 'kept\n')), exitCode: 2, stderr: 'tar: ./containers/x.log: Cannot stat: No such file or directory' }
        : healthy(node, command)
    )
    const dir = scratch()
    const result = await exportLogs({ docker, clusterName: 'kind', dir })
    expect(read(dir, 'kind-control-plane/kept.log')).toBe('kept\n')
    expect(result.errors).toEqual([
      'kind-control-plane/var/log: tar exited with code 2 (kept the 1 files it sent): tar: ./containers/x.log: Cannot stat: No such file or directory'
    ])
  })
})
