// The post step's part for logs: export the bundle (before anything is deleted), keep it on disk, upload
// it as an artifact where the artifact service exists. Nothing here fails the step: an unavailable
// service or a failed upload is a warning and the bundle stays on disk.
//
// Post steps cannot set outputs that later steps read (there are no later steps, and the runner reads a
// post step's GITHUB_OUTPUT for nobody), so the artifact's name, id and URL go to the log and the job
// summary. Users who want the bundle in a step of their own use the export-logs sub-action instead.
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { Reporter } from '../cluster/phases.js'
import type { DockerPort } from '../docker/port.js'
import type { LogsFact } from './summary.js'
import { artifactName, artifactServiceMissing, uploadLogs, type ArtifactUploader, type NameParts } from './artifact.js'
import { exportLogs, type ExportResult } from './export.js'
import { formatBytes, type LogLimits } from './limits.js'
import type { LogsDecision } from './policy.js'

export interface CollectOptions {
  docker: DockerPort
  clusterName: string
  decision: LogsDecision
  /** logs_dir: where to keep the bundle; empty for a scratch directory under RUNNER_TEMP. */
  logsDir: string
  retentionDays?: number
  nameParts: NameParts
  reporter: Reporter
  env?: Record<string, string | undefined>
  client?: ArtifactUploader
  limits?: Partial<LogLimits>
  labels?: Record<string, string>
}

export interface CollectOutcome {
  fact: LogsFact
  export?: ExportResult
}

export async function collectLogs(options: CollectOptions): Promise<CollectOutcome> {
  const { reporter, decision } = options
  const env = options.env ?? process.env
  if (!decision.collect) {
    reporter.info(`Not collecting logs: ${decision.reason}.`)
    return { fact: { decision: decision.reason, collected: false } }
  }
  const kept = options.logsDir !== ''
  // kind export logs DIR writes straight into DIR; logs_dir does the same.
  const dir = kept
    ? resolve(env.GITHUB_WORKSPACE || process.cwd(), options.logsDir)
    : await mkdtemp(join(env.RUNNER_TEMP || tmpdir(), `kind-logs-${options.clusterName}-`))
  const fact: LogsFact = { decision: decision.reason, collected: true, dir, kept }

  reporter.info(`Collecting logs of cluster "${options.clusterName}" (${decision.reason}) into ${dir}`)
  const result = await exportLogs({
    docker: options.docker,
    clusterName: options.clusterName,
    dir,
    limits: options.limits,
    labels: options.labels
  })
  reporter.info(`Collected ${result.files} files, ${formatBytes(result.bytes)}, from ${result.nodes.length} node(s): ${result.nodes.join(', ') || 'none'}`)
  for (const note of result.notes) reporter.info(note)
  if (result.errors.length) {
    fact.errors = result.errors.length
    // Expected when the cluster is broken — that is when logs are collected — so not a warning each.
    reporter.info(`Could not collect ${result.errors.length} item(s) (errors.txt):\n  ${result.errors.join('\n  ')}`)
  }

  if (!result.nodes.length) {
    // Nothing of the cluster exists (creation failed before any container, or it is already gone): a
    // bundle of docker-info.txt and errors.txt is not worth an artifact.
    fact.uploadProblem = 'no node containers of the cluster were found, so there was nothing to upload'
    reporter.info(`Logs not uploaded: ${fact.uploadProblem}. What there is stays in ${dir}`)
    return { fact, export: result }
  }
  const missing = artifactServiceMissing(env)
  if (missing) {
    fact.uploadProblem = `the artifact service is not available: ${missing}`
    reporter.warning(`Logs not uploaded: ${fact.uploadProblem}. They are on the runner in ${dir}`)
    return { fact, export: result }
  }
  const name = artifactName(options.nameParts)
  try {
    const uploaded = await uploadLogs(dir, name, { retentionDays: options.retentionDays, env, client: options.client })
    fact.artifact = { name: uploaded.name, id: uploaded.id, size: uploaded.size, url: uploaded.url }
    reporter.info(`Uploaded logs as artifact ${uploaded.name} (id ${uploaded.id}, ${formatBytes(uploaded.size)})${uploaded.url ? `: ${uploaded.url}` : ''}`)
  } catch (error) {
    fact.uploadProblem = `uploading artifact ${name} failed: ${(error as Error).message}`
    reporter.warning(`Logs not uploaded: ${fact.uploadProblem}. They are on the runner in ${dir}`)
  }
  return { fact, export: result }
}
