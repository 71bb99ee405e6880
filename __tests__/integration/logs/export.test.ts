// The log exporter against a real Docker Engine, with stand-in nodes (see stand-in-node.ts).
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DockerodePort } from '../../../src/docker/dockerode-port.js'
import { exportLogs, type ExportResult } from '../../../src/logs/export.js'
import { uniqueName } from '../../helpers/docker.js'
import { ensureStandInImage, JOURNAL_LINES, removeContainers, startStandInCluster } from './stand-in-node.js'

const docker = new DockerodePort()

function read(dir: string, path: string): string {
  return readFileSync(join(dir, path), 'utf8')
}

describe('exportLogs on stand-in nodes', () => {
  const cluster = uniqueName('logs')
  const cp = `${cluster}-control-plane`
  const worker = `${cluster}-worker`
  const stopped = `${cluster}-worker2`
  const lb = `${cluster}-external-load-balancer`
  let containers: string[] = []
  let dir: string
  let result: ExportResult

  beforeAll(async () => {
    ensureStandInImage()
    containers = startStandInCluster(cluster, [
      { name: cp, role: 'control-plane' },
      { name: worker, role: 'worker' },
      { name: stopped, role: 'worker', running: false },
      { name: lb, role: 'external-load-balancer' }
    ])
    dir = mkdtempSync(join(tmpdir(), 'kind-logs-'))
    result = await exportLogs({ docker, clusterName: cluster, dir })
  })
  afterAll(() => removeContainers(containers))

  it('writes kind\'s top-level files and one directory per internal node, not the load balancer', () => {
    expect(readdirSync(dir).sort()).toEqual(['cluster-view', 'docker-info.txt', 'errors.txt', cp, 'kind-version.txt', worker, stopped].sort())
    expect(read(dir, 'kind-version.txt')).toMatch(/^kind-action v1\.0\.0 \(not the kind CLI/)
    const info = read(dir, 'docker-info.txt')
    expect(JSON.parse(info.slice(info.indexOf('\n') + 1)).ServerVersion).toBeTruthy()
  })

  it('collects every file kind does from a running node', () => {
    for (const node of [cp, worker]) {
      const files = readdirSync(join(dir, node))
      for (const f of ['serial.log', 'kubernetes-version.txt', 'journal.log', 'kubelet.log', 'containerd.log', 'images.log', 'inspect.json']) {
        expect(files).toContain(f)
      }
      // The node has a TTY, as kind's do, so its output has CRLF line ends.
      expect(read(dir, `${node}/serial.log`)).toBe(`booted ${node}\r\n`)
      expect(read(dir, `${node}/kubernetes-version.txt`)).toBe('v1.34.4')
      expect(read(dir, `${node}/kubelet.log`)).toBe(`kubelet: I0101 00:00:01 server.go:1] Started kubelet on ${node}\n`)
      expect(read(dir, `${node}/containerd.log`)).toContain('containerd successfully booted')
      expect(read(dir, `${node}/images.log`)).toContain('registry.k8s.io/pause')
      const journal = read(dir, `${node}/journal.log`).trimEnd().split('\n')
      expect(journal).toHaveLength(JOURNAL_LINES)
      expect(journal.at(-1)).toBe(`journal line ${JOURNAL_LINES - 1} of ${node}`)
    }
  })

  it('writes inspect.json as docker inspect does: an array with the container\'s document', () => {
    const id = execFileSync('docker', ['inspect', '-f', '{{.Id}}', cp], { encoding: 'utf8' }).trim()
    const doc = JSON.parse(read(dir, `${cp}/inspect.json`)) as { Id: string; Config: { Labels: Record<string, string> } }[]
    expect(doc).toHaveLength(1)
    expect(doc[0].Id).toBe(id)
    expect(doc[0].Config.Labels['io.x-k8s.kind.role']).toBe('control-plane')
    expect(read(dir, `${cp}/inspect.json`).split('\n')[1]).toMatch(/^ {4}\{$/)
  })

  it('unpacks /var/log with links followed, the FIFO skipped, and long names intact', () => {
    const node = join(dir, cp)
    expect(read(dir, `${cp}/pods/kube-system_etcd-x_0123/etcd/0.log`)).toBe('etcd: serving client requests\n')
    expect(read(dir, `${cp}/containers/etcd-x_kube-system_etcd-0123.log`)).toBe('etcd: serving client requests\n')
    expect(read(dir, `${cp}/dpkg.log.hardlink`)).toBe('status installed kubelet\n')
    expect(existsSync(join(node, 'a-fifo'))).toBe(false)
    expect(read(dir, `${cp}/${'long-directory-name-'.repeat(4)}/${'long-file-name-'.repeat(6)}.log`)).toBe('long\n')
    expect(statSync(join(node, 'big.log')).size).toBe(300 * 1024 + '\nBIG END\n'.length)
    expect(result.notes).toContain(`${cp}/var/log: skipped a-fifo (FIFO)`)
  })

  it('collects only serial.log and inspect.json of a stopped node, and says so', () => {
    expect(readdirSync(join(dir, stopped)).sort()).toEqual(['inspect.json', 'serial.log'])
    expect(read(dir, 'errors.txt')).toBe(
      `${stopped}: the container is not running (created); only serial.log and inspect.json were collected\n`
    )
  })

  it('asks the cluster from the bootstrap control plane', () => {
    const view = join(dir, 'cluster-view')
    expect(readdirSync(view).sort()).toEqual(['events.txt', 'get-all.txt', 'node-conditions.txt', 'nodes.txt', 'pods-not-ready.txt'])
    expect(read(dir, 'cluster-view/nodes.txt')).toContain(`${cp}   NotReady   control-plane`)
    expect(read(dir, 'cluster-view/pods-not-ready.txt')).toContain('===== kube-system/crashy (Running, CrashLoopBackOff)\nName:         crashy\n')
    expect(read(dir, 'cluster-view/events.txt').split('\n')[1]).toMatch(/^2026-01-01T09:59:00Z/)
    expect(result.notReadyPods.map(p => `${p.namespace}/${p.name}`)).toEqual(['default/oom', 'kube-system/coredns-1', 'kube-system/crashy'])
  })
})

describe('exportLogs when things are broken', () => {
  const cluster = uniqueName('broken')
  const cp = `${cluster}-control-plane`
  let containers: string[] = []

  beforeAll(() => {
    ensureStandInImage()
    containers = startStandInCluster(cluster, [{ name: cp, role: 'control-plane' }])
    // A dead API server, a dangling link in /var/log (GNU tar -h: "File removed before we read it", exit
    // code 1, which kind tolerates), and files over the cap.
    execFileSync('docker', ['exec', cp, 'sh', '-c', 'mkdir -p /fake && touch /fake/api-down && ln -s /nowhere /var/log/dangling.log'])
  })
  afterAll(() => removeContainers(containers))

  it('keeps what it got, caps files to their tail, and lists each problem once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kind-logs-'))
    const result = await exportLogs({ docker, clusterName: cluster, dir, limits: { maxFileBytes: 64 * 1024 } })
    expect(result.apiServerAnswered).toBe(false)
    expect(existsSync(join(dir, 'cluster-view'))).toBe(false)
    expect(read(dir, `${cp}/pods/kube-system_etcd-x_0123/etcd/0.log`)).toBe('etcd: serving client requests\n')
    const journal = read(dir, `${cp}/journal.log`)
    expect(journal.split('\n')[0]).toMatch(/^\[kind-action\] truncated: the first .* were dropped; kept the last 64\.0 KiB of /)
    expect(journal.endsWith(`journal line ${JOURNAL_LINES - 1} of ${cp}\n`)).toBe(true)
    const big = read(dir, `${cp}/big.log`)
    expect(big.endsWith('BIG END\n')).toBe(true)
    expect(big.length).toBeLessThan(66 * 1024)
    expect(read(dir, 'errors.txt').trimEnd().split('\n')).toEqual([
      `cluster view: kubectl get nodes (exit code 1): The connection to the server ${cp}:6443 was refused - did you specify the right host or port? [node conditions]`,
      'cluster view: the API server did not answer: no cluster view (the node logs say why)'
    ])
    expect(result.notes).toEqual([
      `${cp}/var/log: kept only the last 64.0 KiB of big.log`,
      `${cp}/var/log: skipped a-fifo (FIFO)`,
      `${cp}/var/log: tar said: tar: ./dangling.log: File removed before we read it`
    ])
  })

  it('reports an unknown cluster without failing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kind-logs-'))
    const result = await exportLogs({ docker, clusterName: uniqueName('absent'), dir })
    expect(result.nodes).toEqual([])
    expect(readdirSync(dir).sort()).toEqual(['docker-info.txt', 'errors.txt', 'kind-version.txt'])
  })
})
