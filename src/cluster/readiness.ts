// Waiting until the cluster is usable: every node Ready and CoreDNS available. kind only waits for
// control planes and only warns; a CI job wants a usable cluster or a clear failure.
import type { DockerPort } from '../docker/port.js'
import { containerStopped } from './node-exec.js'

export interface ReadinessReport {
  ready: boolean
  notReadyNodes: string[]
  coreDnsAvailable: boolean
}

const ADMIN = '--kubeconfig=/etc/kubernetes/admin.conf'

export async function checkReadiness(docker: DockerPort, bootstrapNode: string, expectedNodes: string[]): Promise<ReadinessReport> {
  const [nodes, dns] = await Promise.all([
    docker.exec(bootstrapNode, [
      'kubectl',
      ADMIN,
      'get',
      'nodes',
      '-o',
      'jsonpath={range .items[*]}{.metadata.name}={.status.conditions[?(@.type=="Ready")].status}{"\\n"}{end}'
    ]),
    docker.exec(bootstrapNode, [
      'kubectl',
      ADMIN,
      'get',
      'deployment',
      '-n',
      'kube-system',
      'coredns',
      '-o',
      'jsonpath={.status.conditions[?(@.type=="Available")].status}'
    ])
  ])
  const status = new Map(
    nodes.stdout
      .split('\n')
      .filter(Boolean)
      .map(line => line.split('=') as [string, string])
  )
  const notReadyNodes = expectedNodes.filter(n => status.get(n) !== 'True')
  // The Deployment's own Available condition: its minimum of ready replicas, as `kubectl wait` sees it.
  const coreDnsAvailable = dns.exitCode === 0 && dns.stdout.trim() === 'True'
  return { ready: notReadyNodes.length === 0 && coreDnsAvailable, notReadyNodes, coreDnsAvailable }
}

/**
 * Waits with `kubectl wait` (a watch inside the bootstrap node) rather than by polling: on a 2-core
 * runner, a kubectl process every second takes CPU from the very pods being waited for. A node that has
 * not registered yet makes kubectl wait fail at once; that is retried until the deadline.
 */
export async function waitForReadiness(
  docker: DockerPort,
  bootstrapNode: string,
  expectedNodes: string[],
  timeoutMs: number,
  retryMs = 1000
): Promise<ReadinessReport> {
  const deadline = Date.now() + timeoutMs
  const waitFor = async (args: string[]): Promise<boolean> => {
    while (Date.now() < deadline) {
      const seconds = Math.max(1, Math.ceil((deadline - Date.now()) / 1000))
      const result = await docker.exec(bootstrapNode, ['kubectl', ADMIN, 'wait', ...args, `--timeout=${seconds}s`])
      if (result.exitCode === 0) return true
      await new Promise(r => setTimeout(r, retryMs))
    }
    return false
  }
  // Both at once: CoreDNS can only become available on a Ready node anyway, and a second kubectl
  // started only after the first returns would add its own start-up to every creation.
  const [nodesReady, coreDnsAvailable] = await Promise.all([
    waitFor(['--for=condition=Ready', ...expectedNodes.map(n => `node/${n}`)]),
    waitFor(['--for=condition=Available', '-n', 'kube-system', 'deployment/coredns'])
  ])
  // kubectl wait saw both conditions: no need to start two more kubectl processes to read them again.
  if (nodesReady && coreDnsAvailable) return { ready: true, notReadyNodes: [], coreDnsAvailable: true }
  const report = await checkReadiness(docker, bootstrapNode, expectedNodes)
  if (!report.ready) {
    const parts = []
    if (report.notReadyNodes.length) parts.push(`nodes not Ready: ${await withContainerStates(docker, report.notReadyNodes)}`)
    if (!report.coreDnsAvailable) parts.push('CoreDNS not available')
    throw new Error(`cluster not ready after ${Math.round(timeoutMs / 1000)} s (${parts.join('; ')})`)
  }
  return report
}

/** The nodes, each with how its container ended when it is no longer running (killed, out of memory). */
async function withContainerStates(docker: DockerPort, nodes: string[]): Promise<string> {
  const described = await Promise.all(
    nodes.map(async node => {
      const stopped = await containerStopped(docker, node)
      return stopped ? `${node} (its container ${stopped}: something outside this step stopped it)` : node
    })
  )
  return described.join(', ')
}
