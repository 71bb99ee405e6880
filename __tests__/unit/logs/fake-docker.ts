// A DockerPort stand-in for the log exporter's unit tests: containers with labels and states, and
// commands answered by a function of (node, command). Only what the exporter uses is implemented.
import { PassThrough } from 'node:stream'
import type { ContainerInfo, ContainerSummary, DockerPort, ExecResult } from '../../../src/docker/port.js'

export interface FakeNode {
  name: string
  role: string
  cluster: string
  state?: string
  labels?: Record<string, string>
}

export interface FakeReply {
  stdout?: string | Buffer
  stderr?: string
  exitCode?: number
  /** Never finish (a hung command). */
  hang?: boolean
}

export type Answer = (node: string, command: string[]) => FakeReply

export function fakeDocker(nodes: FakeNode[], answer: Answer): DockerPort & { commands: string[]; running: number; maxRunning: number } {
  const find = (name: string) => nodes.find(n => n.name === name)
  const notImplemented = () => Promise.reject(new Error('not used by the exporter'))
  const port = {
    commands: [] as string[],
    running: 0,
    maxRunning: 0,
    info: async () => ({ serverVersion: '28.0', cgroupVersion: '1', securityOptions: [], driver: 'overlay2', backingFilesystem: 'extfs', operatingSystem: 'Debian GNU/Linux 12 (bookworm)', cpus: 2, raw: { ServerVersion: '28.0' } }),
    listNetworks: notImplemented,
    createNetwork: notImplemented,
    removeNetwork: notImplemented,
    inspectImage: notImplemented,
    pullImage: notImplemented,
    saveImages: notImplemented,
    loadImages: notImplemented,
    tagImage: notImplemented,
    createContainer: notImplemented,
    startContainer: notImplemented,
    stopContainer: notImplemented,
    removeContainer: notImplemented,
    waitForLog: notImplemented,
    async listContainers(labels: Record<string, string>): Promise<ContainerSummary[]> {
      return nodes
        .map(n => ({
          id: n.name,
          name: n.name,
          state: n.state ?? 'running',
          labels: { 'io.x-k8s.kind.cluster': n.cluster, 'io.x-k8s.kind.role': n.role, ...n.labels } as Record<string, string>
        }))
        .filter(c => Object.entries(labels).every(([k, v]) => (v === '' ? k in c.labels : c.labels[k] === v)))
    },
    async inspectContainer(name: string): Promise<ContainerInfo | undefined> {
      const n = find(name)
      if (!n) return undefined
      return { id: name, name, image: 'kindest/node', running: (n.state ?? 'running') === 'running', labels: {}, networks: {}, ports: {}, raw: { Id: name, Name: `/${name}` } }
    },
    async logs(name: string): Promise<string> {
      if (!find(name)) throw new Error(`no such container: ${name}`)
      return `serial output of ${name}\n`
    },
    async exec(name: string, cmd: string[]): Promise<ExecResult> {
      const { stdout, done } = await port.execStream(name, cmd)
      const chunks: Buffer[] = []
      for await (const c of stdout) chunks.push(c as Buffer)
      return { ...(await done), stdout: Buffer.concat(chunks).toString() }
    },
    async execStream(name: string, cmd: string[]) {
      port.commands.push(`${name}: ${cmd.join(' ')}`)
      const reply = answer(name, cmd)
      const stdout = new PassThrough()
      port.running++
      port.maxRunning = Math.max(port.maxRunning, port.running)
      const done = new Promise<ExecResult>(resolve => {
        if (reply.hang) return
        setTimeout(() => {
          stdout.end(reply.stdout ?? '')
          port.running--
          resolve({ exitCode: reply.exitCode ?? 0, stdout: '', stderr: reply.stderr ?? '' })
        }, 5)
      })
      return { stdout, done }
    }
  }
  return port as unknown as DockerPort & { commands: string[]; running: number; maxRunning: number }
}
