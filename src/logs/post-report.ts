// What the post step reports before it tears the cluster down: the log bundle (per the `logs` policy,
// see policy.ts) and the job summary. Runs before deletion, because logs of deleted nodes are gone.
// Never throws: a problem here is a warning, and teardown goes on.
import type { Reporter } from '../cluster/phases.js'
import type { DockerPort } from '../docker/port.js'
import { recordedFacts, renderSummary, writeSummary, type RecordedFacts, type SummaryFacts } from './summary.js'
import { namePartsFromRunner, type ArtifactUploader } from './artifact.js'
import { collectLogs, type CollectOutcome } from './collect.js'
import type { LogLimits } from './limits.js'
import { decideLogs, mainOutcome, type LogsPolicy, type MainRecord } from './policy.js'

/** What the main step recorded that this report reads (the step state carries it). */
export interface PostRecord extends MainRecord, Partial<RecordedFacts> {
  /** The main step already wrote the job summary; post then adds only its logs part. */
  summaryWritten?: boolean
}

/** The logs settings: the main step's, or the post step's own inputs when main saved none. */
export interface LogsSettings {
  policy: LogsPolicy
  logsDir: string
  retentionDays?: number
  /** The job's status (the internal job_status input); may be empty. */
  jobStatus: string
}

export interface PostReportOptions {
  docker: DockerPort
  /** The main step's state; undefined when it saved none or it could not be read. */
  state: PostRecord | undefined
  settings: LogsSettings
  clusterName: string
  /** Labels the cluster's containers carry besides kind's (this job's owner label). */
  labels?: Record<string, string>
  reporter: Reporter
  /** Reads an input of the step (core.getInput on a runner), for the artifact's name. */
  read: (name: string) => string
  env?: Record<string, string | undefined>
  client?: ArtifactUploader
  limits?: Partial<LogLimits>
}

export async function reportInPost(options: PostReportOptions): Promise<CollectOutcome | undefined> {
  const { state, reporter } = options
  const env = options.env ?? process.env
  let outcome: CollectOutcome | undefined
  try {
    const { policy, logsDir, retentionDays, jobStatus } = options.settings
    const decision = decideLogs(policy, state, jobStatus)
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
      ...recordedFacts(state, options.clusterName),
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
