// What the post step reports before it tears the cluster down: the log bundle (per the `logs` policy,
// see policy.ts) and the job summary. Runs before deletion, because logs of deleted nodes are gone.
// Never throws: a problem here is a warning, and teardown goes on.
import type { Reporter } from '../cluster/phases.js'
import type { DockerPort } from '../docker/port.js'
import type { LogsPolicy } from '../inputs.js'
import type { ActionState } from '../state.js'
import { renderSummary, writeSummary, type SummaryFacts } from '../summary.js'
import { namePartsFromRunner, type ArtifactUploader } from './artifact.js'
import { collectLogs, type CollectOutcome } from './collect.js'
import type { LogLimits } from './limits.js'
import { decideLogs, mainOutcome } from './policy.js'

export interface PostReportOptions {
  docker: DockerPort
  /** The main step's state; undefined when it saved none or it could not be read. */
  state: ActionState | undefined
  clusterName: string
  /** Labels the cluster's containers carry besides kind's (this job's owner label). */
  labels?: Record<string, string>
  reporter: Reporter
  /** Reads an input of the step (core.getInput on a runner). */
  read: (name: string) => string
  env?: Record<string, string | undefined>
  client?: ArtifactUploader
  limits?: Partial<LogLimits>
}

const POLICIES: LogsPolicy[] = ['on-failure', 'always', 'never']

/** The logs settings: from state, or from the inputs when main saved none (read leniently: post never fails). */
function settings(options: PostReportOptions): { policy: LogsPolicy; logsDir: string; retentionDays?: number } {
  const { state, read, reporter } = options
  if (state) return { policy: state.logs, logsDir: state.logsDir, retentionDays: state.logsRetentionDays }
  const raw = read('logs').trim().toLowerCase()
  let policy: LogsPolicy = 'on-failure'
  if ((POLICIES as string[]).includes(raw)) policy = raw as LogsPolicy
  else if (raw) reporter.warning(`logs: "${raw}" is not one of ${POLICIES.join(', ')}; using on-failure`)
  const days = Number(read('logs_retention_days').trim())
  return {
    policy,
    logsDir: read('logs_dir').trim(),
    ...(Number.isInteger(days) && days >= 1 && days <= 90 ? { retentionDays: days } : {})
  }
}

export async function reportInPost(options: PostReportOptions): Promise<CollectOutcome | undefined> {
  const { state, reporter } = options
  const env = options.env ?? process.env
  let outcome: CollectOutcome | undefined
  try {
    const { policy, logsDir, retentionDays } = settings(options)
    const decision = decideLogs(policy, state, options.read('job_status'))
    const collect = (): Promise<CollectOutcome> =>
      collectLogs({
        docker: options.docker,
        clusterName: options.clusterName,
        decision,
        logsDir,
        retentionDays,
        nameParts: namePartsFromRunner(options.clusterName, env, options.read),
        reporter,
        env,
        client: options.client,
        limits: options.limits,
        labels: options.labels
      })
    outcome = decision.collect ? await reporter.group(`Collecting logs of cluster "${options.clusterName}"`, collect) : await collect()
  } catch (error) {
    reporter.warning(`logs: ${(error as Error).message}`)
  }

  try {
    const main = mainOutcome(state)
    const facts: SummaryFacts = {
      clusterName: options.clusterName,
      kubernetesVersion: state?.kubernetesVersion,
      nodeImage: state?.nodeImage,
      nodeImageId: state?.nodeImageId,
      nodes: state?.nodes,
      timings: state?.timings,
      cache: state?.cache,
      failure: state?.failure,
      mainIncomplete: main === 'incomplete',
      stateMissing: main === 'unknown',
      notReadyPods: outcome?.export?.notReadyPods,
      logs: outcome?.fact
    }
    // When main wrote the summary (it does when creation fails), post adds only what it knows more.
    const markdown = renderSummary(facts, { overview: !state?.summaryWritten })
    await writeSummary(markdown, env)
  } catch (error) {
    reporter.warning(`job summary: ${(error as Error).message}`)
  }
  return outcome
}
