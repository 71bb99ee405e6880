// Uploading a log bundle as a workflow artifact (@actions/artifact v6, the v4 artifact service).
//
// Names: artifact names must be unique within a workflow run, and the usual way this action is used —
// a matrix over Kubernetes versions — runs the same job many times. A JavaScript action sees no matrix
// in its environment, but an input's default is evaluated by the runner in the step's context, where
// `matrix`, `strategy` and `job` exist (actions/runner action_yaml.json, "input-default-context";
// github/codeql-action passes `${{ toJson(matrix) }}` the same way). So action.yml gives internal
// inputs `matrix` = toJSON(matrix) and `check_run_id` = job.check_run_id, and the name is
//   kind-logs-<job>[-<matrix values>]-<cluster>-<hash>
// readable for people, with a short hash of everything that tells two uses apart: the check run (one
// per job, matrix leg and attempt), the run id and attempt, the job, the matrix, the step (GITHUB_ACTION,
// for two uses of the action in one job) and the cluster.
import { DefaultArtifactClient } from '@actions/artifact'
import { createHash } from 'node:crypto'
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'

export interface NameParts {
  clusterName: string
  /** GITHUB_JOB: the job's id in the workflow. */
  job?: string
  /** toJSON(matrix) as the runner evaluated it ('null' or '' without a matrix). */
  matrix?: string
  checkRunId?: string
  runId?: string
  runAttempt?: string
  /** GITHUB_ACTION: the step's id, unique within the job. */
  step?: string
}

/** Characters the artifact service refuses in names (@actions/artifact validateArtifactName), and spaces. */
const UNSAFE = /[\s"':<>|*?\\/,{}[\]]+/g
const MAX_READABLE = 40

function slug(text: string, max: number): string {
  return text.replace(UNSAFE, '-').replace(/-+/g, '-').replace(/^-|-$/g, '').slice(0, max).replace(/-$/, '')
}

/** The matrix's values in key order, joined: {"k8s":"1.34","os":"ubuntu"} → "1.34-ubuntu". */
export function matrixValues(matrix: string | undefined): string {
  if (!matrix || matrix.trim() === '' || matrix.trim() === 'null') return ''
  let value: unknown
  try {
    value = JSON.parse(matrix)
  } catch {
    return slug(matrix, MAX_READABLE)
  }
  const flatten = (v: unknown): string[] =>
    v === null || v === undefined
      ? []
      : typeof v === 'object'
        ? Object.keys(v as object)
            .sort()
            .flatMap(k => flatten((v as Record<string, unknown>)[k]))
        : [String(v)]
  return slug(flatten(value).join('-'), MAX_READABLE)
}

export function artifactName(parts: NameParts): string {
  const identity = [
    parts.checkRunId ?? '',
    parts.runId ?? '',
    parts.runAttempt ?? '',
    parts.job ?? '',
    parts.matrix && parts.matrix !== 'null' ? parts.matrix : '',
    parts.step ?? '',
    parts.clusterName
  ].join('\u0000')
  const hash = createHash('sha256').update(identity).digest('hex').slice(0, 8)
  const readable = [slug(parts.job ?? '', MAX_READABLE), matrixValues(parts.matrix), slug(parts.clusterName, MAX_READABLE)].filter(Boolean)
  return ['kind-logs', ...readable, hash].join('-')
}

/** Name parts from a runner's environment and the internal inputs. */
export function namePartsFromRunner(clusterName: string, env: Record<string, string | undefined>, read: (name: string) => string): NameParts {
  return {
    clusterName,
    job: env.GITHUB_JOB,
    matrix: read('matrix'),
    checkRunId: read('check_run_id'),
    runId: env.GITHUB_RUN_ID,
    runAttempt: env.GITHUB_RUN_ATTEMPT,
    step: env.GITHUB_ACTION
  }
}

/** Why the artifact service cannot be used here (e.g. a local run), or undefined when it can. */
export function artifactServiceMissing(env: Record<string, string | undefined>): string | undefined {
  const missing = ['ACTIONS_RUNTIME_TOKEN', 'ACTIONS_RESULTS_URL'].filter(name => !env[name])
  return missing.length ? `${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not set (not on a GitHub runner?)` : undefined
}

/** The page of an artifact, as actions/upload-artifact builds it (the service returns only the id). */
export function artifactUrl(env: Record<string, string | undefined>, id: number): string | undefined {
  if (!env.GITHUB_REPOSITORY || !env.GITHUB_RUN_ID) return undefined
  return `${env.GITHUB_SERVER_URL || 'https://github.com'}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}/artifacts/${id}`
}

export interface Uploaded {
  name: string
  id: number
  size: number
  digest?: string
  url?: string
}

/** The narrow part of @actions/artifact that this module uses, so tests can stand in for it. */
export interface ArtifactUploader {
  uploadArtifact(
    name: string,
    files: string[],
    rootDirectory: string,
    options?: { retentionDays?: number }
  ): Promise<{ id?: number; size?: number; digest?: string }>
}

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = []
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) out.push(...(await listFiles(path)))
    else if (entry.isFile()) out.push(path)
  }
  return out.sort()
}

export async function uploadLogs(
  dir: string,
  name: string,
  options: { retentionDays?: number; env?: Record<string, string | undefined>; client?: ArtifactUploader } = {}
): Promise<Uploaded> {
  const env = options.env ?? process.env
  const client = options.client ?? new DefaultArtifactClient()
  const files = await listFiles(dir)
  if (!files.length) throw new Error(`no files to upload in ${dir}`)
  const response = await client.uploadArtifact(
    name,
    files,
    dir,
    options.retentionDays !== undefined ? { retentionDays: options.retentionDays } : {}
  )
  if (response.id === undefined) throw new Error('the artifact service returned no artifact id')
  return { name, id: response.id, size: response.size ?? 0, digest: response.digest, url: artifactUrl(env, response.id) }
}
