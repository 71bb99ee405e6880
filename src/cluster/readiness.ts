// Waiting until the cluster is usable: every node Ready and CoreDNS available. kind only waits for
// control planes and only warns; a CI job wants a usable cluster or a clear failure.
import type { DockerPort } from '../docker/port.js'

export interface ReadinessReport {
  ready: boolean
  notReadyNodes: string[]
  coreDnsAvailable: boolean
}

const ADMIN = '--kubeconfig=/etc/kubernetes/admin.conf'

export async function checkReadiness(docker: DockerPort, bootstrapNode: string, expectedNodes: string[]): Promise<ReadinessReport> {
  const nodes = await docker.exec(bootstrapNode, [
    'kubectl',
    ADMIN,
    'get',
    'nodes',
    '-o',
    'jsonpath={range .items[*]}{.metadata.name}={.status.conditions[?(@.type=="Ready")].status}{"\\n"}{end}'
  ])
  const status = new Map(
    nodes.stdout
      .split('\n')
      .filter(Boolean)
      .map(line => line.split('=') as [string, string])
  )
  const notReadyNodes = expectedNodes.filter(n => status.get(n) !== 'True')
  const dns = await docker.exec(bootstrapNode, [
    'kubectl',
    ADMIN,
    'get',
    'deployment',
    '-n',
    'kube-system',
    'coredns',
    '-o',
    'jsonpath={.status.availableReplicas}/{.spec.replicas}'
  ])
  const [available, wanted] = dns.stdout.split('/').map(s => Number.parseInt(s, 10))
  const coreDnsAvailable = dns.exitCode === 0 && available > 0 && available === wanted
  return { ready: notReadyNodes.length === 0 && coreDnsAvailable, notReadyNodes, coreDnsAvailable }
}

export async function waitForReadiness(
  docker: DockerPort,
  bootstrapNode: string,
  expectedNodes: string[],
  timeoutMs: number,
  intervalMs = 1000
): Promise<ReadinessReport> {
  const deadline = Date.now() + timeoutMs
  let report = await checkReadiness(docker, bootstrapNode, expectedNodes)
  while (!report.ready && Date.now() < deadline) {
    await new Promise(r => setTimeout(r, intervalMs))
    report = await checkReadiness(docker, bootstrapNode, expectedNodes)
  }
  if (!report.ready) {
    const parts = []
    if (report.notReadyNodes.length) parts.push(`nodes not Ready: ${report.notReadyNodes.join(', ')}`)
    if (!report.coreDnsAvailable) parts.push('CoreDNS not available')
    throw new Error(`cluster not ready after ${Math.round(timeoutMs / 1000)} s (${parts.join('; ')})`)
  }
  return report
}
