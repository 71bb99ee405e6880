// What the cluster itself says, asked with the kubectl inside the bootstrap control plane (no kubectl
// or kubeconfig on the runner is needed): every object, nodes and their conditions, events in time
// order, and a describe of each pod that is not Ready. The parsing and rendering are pure functions;
// the same facts feed the job summary of a failed run.
import type { DockerPort } from '../docker/port.js'
import { capture, type Captured } from './node-command.js'

export const KUBECTL = ['kubectl', '--kubeconfig=/etc/kubernetes/admin.conf', '--request-timeout=20s']

export interface ClusterEvent {
  /** ISO time: lastTimestamp, else eventTime, else the series' last observation, else creation. */
  time: string
  type: string
  reason: string
  /** kind/name of the object the event is about. */
  object: string
  namespace: string
  count: number
  message: string
}

export interface NotReadyPod {
  namespace: string
  name: string
  node: string
  phase: string
  /** The most telling reason at hand: a waiting/terminated container's, the pod's, or the Ready condition's. */
  reason: string
  /** The pod's most recent events, oldest first. */
  events: ClusterEvent[]
}

export interface NodeCondition {
  node: string
  type: string
  status: string
  reason: string
  since: string
  message: string
}

interface KubeList<T> {
  items?: T[]
}

interface RawEvent {
  metadata?: { namespace?: string; creationTimestamp?: string }
  involvedObject?: { kind?: string; name?: string; namespace?: string }
  regarding?: { kind?: string; name?: string; namespace?: string }
  type?: string
  reason?: string
  message?: string
  note?: string
  count?: number
  lastTimestamp?: string | null
  firstTimestamp?: string | null
  eventTime?: string | null
  series?: { lastObservedTime?: string; count?: number }
}

interface RawCondition {
  type?: string
  status?: string
  reason?: string
  message?: string
  lastTransitionTime?: string
}

interface RawContainerStatus {
  ready?: boolean
  state?: { waiting?: { reason?: string; message?: string }; terminated?: { reason?: string; exitCode?: number } }
}

interface RawPod {
  metadata?: { namespace?: string; name?: string }
  spec?: { nodeName?: string }
  status?: {
    phase?: string
    reason?: string
    conditions?: RawCondition[]
    containerStatuses?: RawContainerStatus[]
    initContainerStatuses?: RawContainerStatus[]
  }
}

interface RawNode {
  metadata?: { name?: string }
  status?: { conditions?: RawCondition[] }
}

function parseList<T>(json: string, what: string): T[] {
  try {
    return (JSON.parse(json) as KubeList<T>).items ?? []
  } catch {
    throw new Error(`kubectl did not return a JSON list of ${what}`)
  }
}

/** Events in time order; the time is whichever of the event's timestamps is set, newest API first. */
export function parseEvents(json: string): ClusterEvent[] {
  return parseList<RawEvent>(json, 'events')
    .map(e => {
      const object = e.involvedObject ?? e.regarding ?? {}
      return {
        time: e.lastTimestamp || e.eventTime || e.series?.lastObservedTime || e.metadata?.creationTimestamp || e.firstTimestamp || '',
        type: e.type ?? '',
        reason: e.reason ?? '',
        object: `${object.kind ?? '?'}/${object.name ?? '?'}`,
        namespace: object.namespace ?? e.metadata?.namespace ?? '',
        count: e.count ?? e.series?.count ?? 1,
        message: (e.message ?? e.note ?? '').trim()
      }
    })
    .sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0))
}

function podReason(pod: RawPod): string {
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]
  for (const s of statuses) {
    if (s.state?.waiting?.reason) return s.state.waiting.reason
    if (s.state?.terminated?.reason && s.state.terminated.exitCode !== 0) return s.state.terminated.reason
  }
  if (pod.status?.reason) return pod.status.reason
  const ready = pod.status?.conditions?.find(c => c.type === 'Ready')
  const scheduled = pod.status?.conditions?.find(c => c.type === 'PodScheduled')
  if (scheduled?.status === 'False') return scheduled.reason || 'Unschedulable'
  return ready?.reason || pod.status?.phase || 'Unknown'
}

/** Pods whose Ready condition is not True, Succeeded pods (finished jobs) excepted, each with its last events. */
export function notReadyPods(podsJson: string, events: ClusterEvent[], eventsPerPod = 5): NotReadyPod[] {
  return parseList<RawPod>(podsJson, 'pods')
    .filter(p => p.status?.phase !== 'Succeeded')
    .filter(p => p.status?.conditions?.find(c => c.type === 'Ready')?.status !== 'True')
    .map(p => {
      const namespace = p.metadata?.namespace ?? ''
      const name = p.metadata?.name ?? ''
      return {
        namespace,
        name,
        node: p.spec?.nodeName ?? '',
        phase: p.status?.phase ?? 'Unknown',
        reason: podReason(p),
        events: events.filter(e => e.namespace === namespace && e.object === `Pod/${name}`).slice(-eventsPerPod)
      }
    })
    .sort((a, b) => `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`))
}

export function nodeConditions(nodesJson: string): NodeCondition[] {
  return parseList<RawNode>(nodesJson, 'nodes').flatMap(n =>
    (n.status?.conditions ?? []).map(c => ({
      node: n.metadata?.name ?? '',
      type: c.type ?? '',
      status: c.status ?? '',
      reason: c.reason ?? '',
      since: c.lastTransitionTime ?? '',
      message: (c.message ?? '').trim()
    }))
  )
}

/** Columns padded to the widest cell, like kubectl's tables; the last column is left ragged. */
export function table(header: string[], rows: string[][]): string {
  const all = [header, ...rows].map(r => r.map(c => c.replace(/\s*\n\s*/g, ' ')))
  const widths = header.map((_, i) => Math.max(...all.map(r => (r[i] ?? '').length)))
  return all.map(r => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('   ')).join('\n') + '\n'
}

export function renderEvents(events: ClusterEvent[]): string {
  if (!events.length) return 'No events.\n'
  return table(
    ['TIME', 'NAMESPACE', 'TYPE', 'REASON', 'OBJECT', 'COUNT', 'MESSAGE'],
    events.map(e => [e.time, e.namespace, e.type, e.reason, e.object, String(e.count), e.message])
  )
}

export function renderConditions(conditions: NodeCondition[]): string {
  if (!conditions.length) return 'No node conditions.\n'
  return table(
    ['NODE', 'TYPE', 'STATUS', 'REASON', 'SINCE', 'MESSAGE'],
    conditions.map(c => [c.node, c.type, c.status, c.reason, c.since, c.message])
  )
}

export interface ViewFile {
  path: string
  content: string | Buffer
}

export interface ClusterView {
  files: ViewFile[]
  notReadyPods: NotReadyPod[]
  errors: string[]
}

/** Output bytes a JSON answer may have: it is parsed, not written, and a cut JSON document is useless. */
export const JSON_MAX_BYTES = 128 * 1024 * 1024

type Kubectl = (args: string[], options?: { maxBytes?: number }) => Promise<Captured>

/** Asks the cluster through `kubectl` (in a node); every failure is recorded, none is thrown. */
export async function clusterView(kubectl: Kubectl, options: { maxDescribedPods?: number } = {}): Promise<ClusterView> {
  const view: ClusterView = { files: [], notReadyPods: [], errors: [] }
  const json = async (args: string[], what: string): Promise<string | undefined> => {
    const result = await kubectl([...args, '-o', 'json'], { maxBytes: JSON_MAX_BYTES })
    if (result.exitCode === 0 && !result.truncated) return result.output.toString()
    if (result.truncated) {
      view.errors.push(`kubectl ${args.join(' ')}: the answer is larger than ${JSON_MAX_BYTES / 1024 / 1024} MiB [${what}]`)
      return undefined
    }
    view.errors.push(`kubectl ${args.join(' ')} (exit code ${result.exitCode}): ${result.stderr || 'no output'} [${what}]`)
    return undefined
  }

  // The first question tells whether the API server answers at all; when it does not, one error says
  // so instead of one timeout per question.
  const nodesJson = await json(['get', 'nodes'], 'node conditions')
  if (nodesJson === undefined) {
    view.errors.push('the API server did not answer: no cluster view (the node logs say why)')
    return view
  }
  try {
    view.files.push({ path: 'node-conditions.txt', content: renderConditions(nodeConditions(nodesJson)) })
  } catch (error) {
    view.errors.push(`node conditions: ${(error as Error).message}`)
  }

  const text = async (path: string, args: string[]): Promise<void> => {
    const result = await kubectl(args)
    view.files.push({ path, content: result.output })
    if (result.exitCode !== 0) view.errors.push(`kubectl ${args.join(' ')} (exit code ${result.exitCode}): ${result.stderr}`)
  }
  const [eventsJson, podsJson] = await Promise.all([
    json(['get', 'events', '--all-namespaces'], 'events'),
    json(['get', 'pods', '--all-namespaces'], 'pods'),
    text('get-all.txt', ['get', 'all', '--all-namespaces', '-o', 'wide']),
    text('nodes.txt', ['get', 'nodes', '-o', 'wide'])
  ])

  let events: ClusterEvent[] = []
  if (eventsJson !== undefined) {
    try {
      events = parseEvents(eventsJson)
      view.files.push({ path: 'events.txt', content: renderEvents(events) })
    } catch (error) {
      view.errors.push(`events: ${(error as Error).message}`)
    }
  }
  if (podsJson !== undefined) {
    try {
      view.notReadyPods = notReadyPods(podsJson, events)
    } catch (error) {
      view.errors.push(`pods: ${(error as Error).message}`)
    }
  }

  const limit = options.maxDescribedPods ?? 50
  const described: Buffer[] = []
  for (const pod of view.notReadyPods.slice(0, limit)) {
    const result = await kubectl(['describe', 'pod', '--namespace', pod.namespace, pod.name])
    described.push(Buffer.from(`===== ${pod.namespace}/${pod.name} (${pod.phase}, ${pod.reason})\n`), result.output, Buffer.from('\n'))
  }
  if (view.notReadyPods.length > limit) {
    described.push(Buffer.from(`[kind-action] ${view.notReadyPods.length - limit} more pods are not Ready; they are listed in get-all.txt\n`))
  }
  view.files.push({
    path: 'pods-not-ready.txt',
    content: described.length ? Buffer.concat(described) : 'Every pod is Ready (or Succeeded).\n'
  })
  return view
}

/** The kubectl of a node, with the admin kubeconfig kubeadm wrote there. */
export function nodeKubectl(docker: DockerPort, node: string, options: { maxBytes: number; timeoutMs: number }): Kubectl {
  return (args, call) => capture(docker, node, [...KUBECTL, ...args], { ...options, ...call })
}

/** Just the pods that are not Ready, with their events: two questions, for a failure summary. */
export async function notReadyPodsOf(kubectl: Kubectl): Promise<NotReadyPod[]> {
  const [events, pods] = await Promise.all([
    kubectl(['get', 'events', '--all-namespaces', '-o', 'json'], { maxBytes: JSON_MAX_BYTES }),
    kubectl(['get', 'pods', '--all-namespaces', '-o', 'json'], { maxBytes: JSON_MAX_BYTES })
  ])
  if (pods.exitCode !== 0) throw new Error(`kubectl get pods (exit code ${pods.exitCode}): ${pods.stderr || 'no output'}`)
  return notReadyPods(pods.output.toString(), events.exitCode === 0 ? parseEvents(events.output.toString()) : [])
}
