// The job summary (GITHUB_STEP_SUMMARY): what cluster this job had and how long each phase took, and,
// when something failed, enough to understand it without opening the logs — the phase, the command
// and the end of its output, the pods that are not Ready with their last events, where the logs are.
// Rendering is pure (tested on its own); writing appends to the file the runner shows.
import { appendFile } from 'node:fs/promises'
import { NodeCommandError } from '../cluster/node-exec.js'
import type { NodeSummary } from '../cluster/types.js'
import type { FailureInfo, PhaseTiming } from '../cluster/phases.js'
import type { NotReadyPod } from './cluster-view.js'
import { formatBytes } from './limits.js'
import type { CacheFact } from '../cache/image-cache.js'

/** Where the logs went, as the post step (or nobody) decided. */
export interface LogsFact {
  /** Why logs were or were not collected, in words. */
  decision: string
  collected: boolean
  dir?: string
  /** The directory is kept after the job (logs_dir) rather than a scratch one. */
  kept?: boolean
  artifact?: { name: string; id: number; size: number; url?: string }
  /** Why there is no artifact although logs were collected. */
  uploadProblem?: string
  /** How many things could not be collected (errors.txt in the bundle). */
  errors?: number
}

export interface SummaryFacts {
  clusterName: string
  kubernetesVersion?: string
  nodeImage?: string
  nodeImageId?: string
  nodes?: NodeSummary[]
  timings?: PhaseTiming[]
  cache?: CacheFact
  failure?: FailureInfo
  /** The main step started creating and never finished (crash, cancellation, timeout). */
  mainIncomplete?: boolean
  /** The post step found no readable state of the main step. */
  stateMissing?: boolean
  notReadyPods?: NotReadyPod[]
  logs?: LogsFact
}

/** The facts the main step records in its state as creation goes on. */
export type RecordedFacts = Pick<
  SummaryFacts,
  'clusterName' | 'kubernetesVersion' | 'nodeImage' | 'nodeImageId' | 'nodes' | 'timings' | 'cache' | 'failure'
>

/** Only the recorded facts of a larger record (the step state carries more). */
export function recordedFacts(record: Partial<RecordedFacts> | undefined, clusterName: string): RecordedFacts {
  return {
    clusterName,
    kubernetesVersion: record?.kubernetesVersion,
    nodeImage: record?.nodeImage,
    nodeImageId: record?.nodeImageId,
    nodes: record?.nodes,
    timings: record?.timings,
    cache: record?.cache,
    failure: record?.failure
  }
}

const TAIL_LINES = 25

/** The failure to keep in state: phase and message, plus the node command and its output when one failed. */
export function describeFailure(phase: string, cause: unknown): FailureInfo {
  const message = cause instanceof Error ? cause.message : String(cause)
  if (cause instanceof NodeCommandError) {
    return { phase, message, node: cause.node, command: cause.command.join(' '), outputTail: cause.outputTail }
  }
  return { phase, message }
}

/** A table cell: no pipe may end the cell early and no newline may end the row. */
export function cell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>')
}

/** Inline code that survives backticks inside. */
export function code(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map(run => run.length))
  const fence = '`'.repeat(longest + 1)
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : ''
  return `${fence}${pad}${text}${pad}${fence}`
}

/** A fenced block that no run of backticks inside can close early. */
export function codeBlock(text: string): string {
  const longest = Math.max(2, ...(text.match(/`+/g) ?? []).map(run => run.length))
  const fence = '`'.repeat(longest + 1)
  return `${fence}text\n${text}\n${fence}`
}

function htmlEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

function imageLine(facts: SummaryFacts): string | undefined {
  if (!facts.nodeImage) return undefined
  const at = facts.nodeImage.indexOf('@sha256:')
  if (at !== -1) return `${code(facts.nodeImage.slice(0, at))} (digest ${code(facts.nodeImage.slice(at + 1))})`
  return facts.nodeImageId ? `${code(facts.nodeImage)} (image ID ${code(facts.nodeImageId)})` : code(facts.nodeImage)
}

function status(facts: SummaryFacts): string {
  if (facts.failure?.cancelled) return `creation cancelled (${facts.failure.cancelled}) in “${facts.failure.phase}”`
  if (facts.failure) return `creation failed in “${facts.failure.phase}”`
  if (facts.mainIncomplete) return 'the main step did not finish'
  if (facts.stateMissing) return 'the main step left no state'
  return 'ready'
}

export function renderOverview(facts: SummaryFacts): string {
  const out: string[] = [`## kind cluster ${code(facts.clusterName)}: ${status(facts)}`, '']
  const rows: [string, string][] = []
  if (facts.kubernetesVersion) rows.push(['Kubernetes', code(facts.kubernetesVersion)])
  const image = imageLine(facts)
  if (image) rows.push(['Node image', image])
  if (facts.cache) {
    const detail = facts.cache.detail ? ` (${facts.cache.detail})` : ''
    rows.push(['Image cache', `${facts.cache.hit ? 'hit' : 'miss'}${detail}${facts.cache.key ? `, key ${code(facts.cache.key)}` : ''}`])
  }
  if (rows.length) {
    out.push('| | |', '|---|---|', ...rows.map(([k, v]) => `| ${k} | ${cell(v)} |`), '')
  }
  if (facts.nodes?.length) {
    out.push('### Nodes', '', '| Node | Role | IPv4 | IPv6 |', '|---|---|---|---|')
    for (const n of facts.nodes) out.push(`| ${cell(n.name)} | ${cell(n.role)} | ${cell(n.ipv4 || '–')} | ${cell(n.ipv6 || '–')} |`)
    out.push('')
  }
  if (facts.timings?.length) {
    out.push('### Phases', '', '| Phase | Seconds |', '|---|---:|')
    for (const t of facts.timings) out.push(`| ${cell(t.phase)} | ${t.seconds.toFixed(2)} |`)
    // Concurrent phases are timed inside the phase that runs them (listed just before it).
    out.push('', 'Some phases run at the same time, inside the phase listed after them: the seconds do not add up.', '')
  }
  return out.join('\n')
}

export function renderFailure(facts: SummaryFacts): string {
  const out: string[] = []
  if (facts.failure) {
    const f = facts.failure
    out.push('### Failure', '', `**Phase:** ${htmlEscape(f.phase)}`, '')
    out.push(`**Cause:** ${htmlEscape(f.message.split('\n')[0])}`, '')
    if (f.command) out.push(`**Command**${f.node ? ` on ${code(f.node)}` : ''}: ${code(f.command)}`, '')
    const tail = f.outputTail ?? f.message.split('\n').slice(1).join('\n')
    if (tail.trim()) {
      const lines = tail.trim().split('\n').slice(-TAIL_LINES).join('\n')
      out.push('<details open><summary>Last lines of its output</summary>', '', codeBlock(lines), '', '</details>', '')
    }
  } else if (facts.mainIncomplete) {
    out.push(
      '### Failure',
      '',
      'The main step started creating the cluster and did not finish (it crashed, was cancelled or timed out). ' +
        'The timings above end where it stopped.',
      ''
    )
  }
  if (facts.notReadyPods?.length) {
    out.push('### Pods not Ready', '', '| Pod | Node | Phase | Reason | Last events |', '|---|---|---|---|---|')
    for (const p of facts.notReadyPods.slice(0, 30)) {
      const events = p.events.slice(-3).map(e => `${e.type} ${e.reason}: ${e.message}`)
      out.push(
        `| ${cell(`${p.namespace}/${p.name}`)} | ${cell(p.node || '–')} | ${cell(p.phase)} | ${cell(p.reason)} | ${cell(htmlEscape(events.join('\n')) || '–')} |`
      )
    }
    if (facts.notReadyPods.length > 30) out.push('', `…and ${facts.notReadyPods.length - 30} more (see the logs).`)
    out.push('')
  }
  return out.join('\n')
}

export function renderLogs(logs: LogsFact): string {
  const out: string[] = ['### Logs', '']
  if (!logs.collected) {
    out.push(`Not collected: ${logs.decision}.`, '')
    return out.join('\n')
  }
  out.push(`Collected: ${logs.decision}.`, '')
  if (logs.artifact) {
    const a = logs.artifact
    const label = a.url ? `[${a.name}](${a.url})` : code(a.name)
    out.push(`- Artifact ${label}: id ${a.id}, ${formatBytes(a.size)} zipped`)
  } else if (logs.uploadProblem) {
    out.push(`- No artifact: ${htmlEscape(logs.uploadProblem)}`)
  }
  if (logs.dir) out.push(`- On the runner: ${code(logs.dir)}${logs.kept ? ' (logs_dir)' : ''}`)
  if (logs.errors) out.push(`- ${logs.errors} item(s) could not be collected: see ${code('errors.txt')} in the bundle`)
  out.push('')
  return out.join('\n')
}

/** The whole summary; `logs` alone is what the post step adds after main already wrote the rest. */
export function renderSummary(facts: SummaryFacts, parts: { overview?: boolean; logs?: boolean } = {}): string {
  const sections: string[] = []
  if (parts.overview !== false) sections.push(renderOverview(facts), renderFailure(facts))
  if (parts.logs !== false && facts.logs) sections.push(renderLogs(facts.logs))
  return sections.filter(s => s.trim()).join('\n') + '\n'
}

/** Appends to the step summary; false (and nothing written) where the runner offers none. */
export async function writeSummary(markdown: string, env: Record<string, string | undefined> = process.env): Promise<boolean> {
  const path = env.GITHUB_STEP_SUMMARY
  if (!path) return false
  await appendFile(path, markdown.endsWith('\n') ? markdown : `${markdown}\n`)
  return true
}
