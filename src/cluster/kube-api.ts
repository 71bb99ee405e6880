// A few requests to the cluster's API server straight from the action, with a kubeconfig's client
// certificate. Most of our work with the cluster goes through kubectl in the bootstrap node, as kind's
// does; this is for the moments when starting a kubectl process there would cost more than the work.
import { Agent, request } from 'node:https'
import type { DockerPort } from '../docker/port.js'
import { parseKubeconfig, type KubeconfigDoc } from './kubeconfig.js'
import { readFile } from './node-exec.js'

/**
 * kubeadm's system:masters kubeconfig (1.29+). admin.conf relies on the kubeadm:cluster-admins binding,
 * which kubeadm makes only after the API server is healthy, too late for what is done ahead.
 */
export const SUPER_ADMIN_CONF = '/etc/kubernetes/super-admin.conf'

/**
 * An answer meaning the API server is not up yet: no connection (0), starting (5xx), kube-system not made
 * yet (404), or shedding load (429).
 */
export const notUpYet = (status: number): boolean => status === 0 || status === 404 || status === 429 || status >= 500

/**
 * Makes a request until the API server is up (see notUpYet) or stop has settled, whichever is first, and
 * resolves with the last answer: one still notUpYet means stop came first.
 */
export async function whenUp<T extends { status: number }>(attempt: () => Promise<T>, stop: Promise<unknown>, pollMs = 250): Promise<T> {
  let stopped = false
  stop.then(
    () => (stopped = true),
    () => (stopped = true)
  )
  let answer = await attempt()
  while (notUpYet(answer.status) && !stopped) {
    await new Promise(resolve => setTimeout(resolve, pollMs))
    answer = await attempt()
  }
  return answer
}

export interface ApiResponse {
  status: number
  body: string
}

/** The kubeconfig's single cluster CA and client credentials, decoded. */
interface ClientCredentials {
  ca: Buffer
  cert: Buffer
  key: Buffer
}

function credentials(doc: KubeconfigDoc, source: string): ClientCredentials {
  const cluster = doc.clusters?.[0]?.cluster as Record<string, unknown> | undefined
  const user = doc.users?.[0]?.user as Record<string, unknown> | undefined
  const field = (value: unknown, name: string): Buffer => {
    if (typeof value !== 'string' || value === '') throw new Error(`${source}: no ${name} (expected it embedded, as kubeadm writes it)`)
    return Buffer.from(value, 'base64')
  }
  return {
    ca: field(cluster?.['certificate-authority-data'], 'certificate-authority-data'),
    cert: field(user?.['client-certificate-data'], 'client-certificate-data'),
    key: field(user?.['client-key-data'], 'client-key-data')
  }
}

export class KubeApi {
  private readonly agent: Agent

  /** server: https://host:port as the host reaches the API server (not the kubeconfig's own server). */
  constructor(
    private readonly server: string,
    kubeconfig: KubeconfigDoc,
    source: string
  ) {
    const { ca, cert, key } = credentials(kubeconfig, source)
    this.agent = new Agent({ ca, cert, key, keepAlive: true })
  }

  /** One request; a connection that fails or times out rejects (the caller decides whether to retry). */
  request(method: string, path: string, body?: unknown, timeoutMs = 5_000): Promise<ApiResponse> {
    const payload = body === undefined ? undefined : JSON.stringify(body)
    return new Promise((resolve, reject) => {
      const req = request(
        new URL(path, this.server),
        {
          method,
          agent: this.agent,
          timeout: timeoutMs,
          headers: { Accept: 'application/json', ...(payload ? { 'Content-Type': 'application/json' } : {}) }
        },
        res => {
          const chunks: Buffer[] = []
          res.on('data', (chunk: Buffer) => chunks.push(chunk))
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }))
          res.on('error', reject)
        }
      )
      req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer within ${timeoutMs / 1000} s`)))
      req.on('error', reject)
      req.end(payload)
    })
  }

  /** Closes the kept-alive connections, so that nothing holds the step's process open. */
  close(): void {
    this.agent.destroy()
  }
}

/** A client with super-admin.conf from the bootstrap node; server: where the host reaches the API server. */
export async function superAdminApi(docker: DockerPort, node: string, server: string): Promise<KubeApi> {
  const kubeconfig = parseKubeconfig(await readFile(docker, node, SUPER_ADMIN_CONF), SUPER_ADMIN_CONF)
  return new KubeApi(server, kubeconfig, SUPER_ADMIN_CONF)
}
