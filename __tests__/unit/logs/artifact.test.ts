import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  artifactName,
  artifactServiceMissing,
  artifactUrl,
  matrixValues,
  namePartsFromRunner,
  uploadLogs,
  type NameParts
} from '../../../src/logs/artifact.js'

const LEG: NameParts = {
  clusterName: 'kind',
  job: 'e2e',
  matrix: '{"k8s":"1.34","os":"ubuntu-24.04"}',
  checkRunId: '51725241954',
  runId: '123',
  runAttempt: '1',
  step: '__kind-action'
}

// Characters @actions/artifact refuses in a name (validateArtifactName).
const FORBIDDEN = /["':<>|*?\r\n\\/]/

describe('artifactName', () => {
  it('reads as job, matrix values and cluster, then a short hash', () => {
    expect(artifactName(LEG)).toMatch(/^kind-logs-e2e-1\.34-ubuntu-24\.04-kind-[0-9a-f]{8}$/)
  })

  it('is stable for the same job, step and cluster', () => {
    expect(artifactName({ ...LEG })).toBe(artifactName(LEG))
  })

  it.each([
    ['another matrix leg', { matrix: '{"k8s":"1.33","os":"ubuntu-24.04"}', checkRunId: '51725241955' }],
    ['the same matrix in another job of a reusable workflow', { checkRunId: '51725249999' }],
    ['a re-run', { runAttempt: '2', checkRunId: '51725250000' }],
    ['a second use of the action in the job', { step: '__kind-action_2' }],
    ['another cluster', { clusterName: 'second' }]
  ])('differs for %s', (_what, change) => {
    expect(artifactName({ ...LEG, ...change })).not.toBe(artifactName(LEG))
  })

  it('still tells matrix legs apart where the check run id is not available', () => {
    const a = artifactName({ ...LEG, checkRunId: '' })
    const b = artifactName({ ...LEG, checkRunId: '', matrix: '{"k8s":"1.33","os":"ubuntu-24.04"}' })
    expect(a).not.toBe(b)
  })

  it('has no matrix part without a matrix, and nothing the service refuses in odd matrix values', () => {
    expect(artifactName({ ...LEG, matrix: 'null' })).toMatch(/^kind-logs-e2e-kind-[0-9a-f]{8}$/)
    expect(artifactName({ clusterName: 'kind' })).toMatch(/^kind-logs-kind-[0-9a-f]{8}$/)
    const odd = artifactName({ ...LEG, matrix: '{"path":"a/b\\\\c:d","list":[1,2],"quote":"\\"x\\" | y*?<>"}' })
    expect(odd).not.toMatch(FORBIDDEN)
  })

  it('keeps the readable part short', () => {
    const long = artifactName({ ...LEG, matrix: JSON.stringify({ a: 'x'.repeat(300), b: 'y'.repeat(300) }) })
    expect(long.length).toBeLessThanOrEqual('kind-logs-'.length + 40 + 1 + 40 + 1 + 4 + 1 + 8)
  })
})

describe('matrixValues', () => {
  it.each([
    ['', ''],
    ['null', ''],
    ['{"os":"ubuntu","k8s":"1.34"}', '1.34-ubuntu'],
    ['{"cfg":{"nodes":3,"ha":true}}', 'true-3'],
    ['{"versions":["1.33","1.34"]}', '1.33-1.34'],
    ['not json', 'not-json']
  ])('%s → %s', (matrix, expected) => {
    expect(matrixValues(matrix)).toBe(expected)
  })
})

describe('the runner facts', () => {
  it('takes the job, run and step from the environment and the matrix and check run from the internal inputs', () => {
    const inputs: Record<string, string> = { matrix: LEG.matrix!, check_run_id: LEG.checkRunId! }
    const parts = namePartsFromRunner('kind', { GITHUB_JOB: 'e2e', GITHUB_RUN_ID: '123', GITHUB_RUN_ATTEMPT: '1', GITHUB_ACTION: '__kind-action' }, n => inputs[n] ?? '')
    expect(parts).toEqual(LEG)
  })

  it('knows when the artifact service is missing', () => {
    expect(artifactServiceMissing({})).toBe('ACTIONS_RUNTIME_TOKEN and ACTIONS_RESULTS_URL are not set (not on a GitHub runner?)')
    expect(artifactServiceMissing({ ACTIONS_RUNTIME_TOKEN: 't' })).toBe('ACTIONS_RESULTS_URL is not set (not on a GitHub runner?)')
    expect(artifactServiceMissing({ ACTIONS_RUNTIME_TOKEN: 't', ACTIONS_RESULTS_URL: 'http://x/' })).toBeUndefined()
  })

  it('builds the artifact page URL as upload-artifact does', () => {
    expect(artifactUrl({ GITHUB_REPOSITORY: 'o/r', GITHUB_RUN_ID: '9' }, 42)).toBe('https://github.com/o/r/actions/runs/9/artifacts/42')
    expect(artifactUrl({ GITHUB_SERVER_URL: 'https://x.ghe.com', GITHUB_REPOSITORY: 'o/r', GITHUB_RUN_ID: '9' }, 42)).toBe('https://x.ghe.com/o/r/actions/runs/9/artifacts/42')
    expect(artifactUrl({}, 42)).toBeUndefined()
  })
})

describe('uploadLogs', () => {
  it('uploads every file of the bundle, rooted at its directory, with the retention asked', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'upload-test-'))
    mkdirSync(join(dir, 'kind-control-plane/pods'), { recursive: true })
    writeFileSync(join(dir, 'kind-version.txt'), 'v')
    writeFileSync(join(dir, 'kind-control-plane/pods/0.log'), 'l')
    const calls: unknown[] = []
    const uploaded = await uploadLogs(dir, 'kind-logs-x', {
      retentionDays: 3,
      env: { GITHUB_REPOSITORY: 'o/r', GITHUB_RUN_ID: '9' },
      client: {
        uploadArtifact: async (...args) => {
          calls.push(args)
          return { id: 7, size: 100, digest: 'abc' }
        }
      }
    })
    expect(calls).toEqual([['kind-logs-x', [join(dir, 'kind-control-plane/pods/0.log'), join(dir, 'kind-version.txt')], dir, { retentionDays: 3 }]])
    expect(uploaded).toEqual({ name: 'kind-logs-x', id: 7, size: 100, digest: 'abc', url: 'https://github.com/o/r/actions/runs/9/artifacts/7' })
  })

  it('refuses an empty bundle and an answer without an id', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'upload-test-'))
    await expect(uploadLogs(empty, 'n', { client: { uploadArtifact: async () => ({ id: 1 }) } })).rejects.toThrow(/no files to upload/)
    writeFileSync(join(empty, 'f'), 'x')
    await expect(uploadLogs(empty, 'n', { client: { uploadArtifact: async () => ({}) } })).rejects.toThrow(/no artifact id/)
  })
})
