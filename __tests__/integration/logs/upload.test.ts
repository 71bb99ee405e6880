// Uploading the bundle with the real @actions/artifact v6 client against the artifact protocol served on
// loopback by our own stand-in of the service (helpers/github-services.ts says why not act's), and the post step's
// logs-then-summary-then-delete order on stand-in nodes.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { DockerodePort } from '../../../src/docker/dockerode-port.js'
import { silentReporter, type Reporter } from '../../../src/cluster/phases.js'
import { OWNER_LABEL } from '../../../src/github-reporter.js'
import { uploadLogs } from '../../../src/logs/artifact.js'
import { exportLogs } from '../../../src/logs/export.js'
import { reportInPost, type LogsSettings } from '../../../src/logs/post-report.js'
import type { ActionState } from '../../../src/state.js'
import { uniqueName } from '../../helpers/docker.js'
import { startArtifactServer, useArtifactService, type ArtifactServer } from '../../helpers/github-services.js'
import { ensureStandInImage, removeContainers, startStandInCluster } from './stand-in-node.js'

const docker = new DockerodePort()

function zipListing(zip: Buffer): string[] {
  const file = join(mkdtempSync(join(tmpdir(), 'zip-')), 'a.zip')
  writeFileSync(file, zip)
  return execFileSync('unzip', ['-Z1', file], { encoding: 'utf8' }).trim().split('\n').sort()
}

function zipEntry(zip: Buffer, path: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'zip-')), 'a.zip')
  writeFileSync(file, zip)
  return execFileSync('unzip', ['-p', file, path], { encoding: 'utf8' })
}

/** A reporter that remembers what it was told. */
function recorder(): Reporter & { lines: string[]; warnings: string[] } {
  const lines: string[] = []
  const warnings: string[] = []
  return { lines, warnings, info: m => void lines.push(m), warning: m => void warnings.push(m), group: (_t, fn) => fn() }
}

// @actions/artifact reads its service from the process environment.
let server: ArtifactServer
let restoreEnv: () => void
beforeEach(async () => {
  server = await startArtifactServer()
  restoreEnv = useArtifactService(server)
})
afterEach(async () => {
  restoreEnv()
  await server.close()
})

describe('uploading a log bundle', () => {
  const cluster = uniqueName('upload')
  const cp = `${cluster}-control-plane`
  let containers: string[] = []
  beforeAll(() => {
    ensureStandInImage()
    containers = startStandInCluster(cluster, [{ name: cp, role: 'control-plane' }])
  })
  afterAll(() => removeContainers(containers))

  it('creates, uploads and finalizes one artifact holding the whole bundle, with the retention asked', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kind-logs-'))
    const bundle = await exportLogs({ docker, clusterName: cluster, dir })
    const uploaded = await uploadLogs(dir, 'kind-logs-e2e-kind-0123abcd', {
      retentionDays: 3,
      env: { GITHUB_REPOSITORY: 'o/r', GITHUB_RUN_ID: '77' }
    })
    expect(server.problems).toEqual([])
    expect(server.requests[0]).toBe('POST /twirp/github.actions.results.api.v1.ArtifactService/CreateArtifact')
    expect(server.requests.at(-1)).toBe('POST /twirp/github.actions.results.api.v1.ArtifactService/FinalizeArtifact')
    expect(server.requests).toContain('PUT /blob/1001?comp=blocklist')

    const [artifact] = server.artifacts
    expect(artifact).toMatchObject({ name: 'kind-logs-e2e-kind-0123abcd', finalized: true, mimeType: 'application/zip' })
    const days = (Date.parse(artifact.expiresAt!) - Date.now()) / 86_400_000
    expect(days).toBeGreaterThan(2.9)
    expect(days).toBeLessThan(3.1)
    expect(uploaded).toMatchObject({ id: 1001, size: artifact.blob!.length, url: 'https://github.com/o/r/actions/runs/77/artifacts/1001' })

    const listing = zipListing(artifact.blob!)
    expect(listing.filter(p => !p.endsWith('/'))).toHaveLength(bundle.files)
    expect(listing).toContain(`${cp}/journal.log`)
    expect(listing).toContain(`${cp}/pods/kube-system_etcd-x_0123/etcd/0.log`)
    expect(listing).toContain('cluster-view/events.txt')
    expect(zipEntry(artifact.blob!, `${cp}/kubernetes-version.txt`)).toBe('v1.34.4')
  })

  it('fails clearly when the name is taken in the run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kind-logs-'))
    writeFileSync(join(dir, 'kind-version.txt'), 'x')
    await uploadLogs(dir, 'same-name')
    await expect(uploadLogs(dir, 'same-name')).rejects.toThrow(/CreateArtifact/)
  })
})

describe('the post step before teardown', () => {
  const cluster = uniqueName('post')
  const cp = `${cluster}-control-plane`
  const owner = 'run-1.1.e2e'
  let containers: string[] = []
  beforeAll(() => {
    ensureStandInImage()
    containers = startStandInCluster(cluster, [{ name: cp, role: 'control-plane' }], { [OWNER_LABEL]: owner })
  })
  afterAll(() => removeContainers(containers))

  const state: ActionState = {
    version: 1,
    clusterName: cluster,
    owner,
    kubeconfigPath: '/nowhere',
    cleanup: true,
    keepOnFailure: false,
    logs: 'on-failure',
    logsDir: '',
    logsRetentionDays: 5,
    creating: true,
    completed: true,
    kubernetesVersion: 'v1.34.4',
    nodeImage: 'kindest/node:v1.34.4',
    nodeImageId: 'sha256:feed',
    nodes: [{ name: cp, role: 'control-plane', ipv4: '172.18.0.2', ipv6: '' }],
    timings: [{ phase: 'Creating node containers', seconds: 1.5 }]
  }

  // The logs settings post-step code reads from the state (or its own inputs) and the job's status.
  const onFailure = (jobStatus = ''): LogsSettings => ({ policy: 'on-failure', logsDir: '', retentionDays: 5, jobStatus })

  function runnerEnv(): Record<string, string> {
    const base = mkdtempSync(join(tmpdir(), 'runner-'))
    writeFileSync(join(base, 'summary.md'), '')
    return {
      RUNNER_TEMP: base,
      GITHUB_WORKSPACE: base,
      GITHUB_STEP_SUMMARY: join(base, 'summary.md'),
      GITHUB_JOB: 'e2e',
      GITHUB_RUN_ID: '77',
      GITHUB_RUN_ATTEMPT: '1',
      GITHUB_ACTION: '__kind-action',
      GITHUB_REPOSITORY: 'o/r',
      ACTIONS_RUNTIME_TOKEN: server.token,
      ACTIONS_RESULTS_URL: server.url
    }
  }

  it('uploads the logs when a later step failed, and puts the artifact in the job summary', async () => {
    const env = runnerEnv()
    const inputs: Record<string, string> = { job_status: 'failure', matrix: '{"k8s":"1.34"}', check_run_id: '5551' }
    const reporter = recorder()
    const outcome = await reportInPost({ docker, state, settings: onFailure('failure'), clusterName: cluster, labels: { [OWNER_LABEL]: owner }, reporter, read: n => inputs[n] ?? '', env })
    expect(reporter.warnings).toEqual([])
    expect(server.problems).toEqual([])
    const [artifact] = server.artifacts
    expect(artifact.name).toMatch(new RegExp(`^kind-logs-e2e-1\\.34-${cluster}-[0-9a-f]{8}$`))
    expect(outcome?.fact).toMatchObject({ collected: true, decision: "the job's status is failure", artifact: { id: 1001 } })
    const summary = readFileSync(env.GITHUB_STEP_SUMMARY, 'utf8')
    expect(summary).toContain(`## kind cluster \`${cluster}\`: ready`)
    expect(summary).toContain('| Node image | `kindest/node:v1.34.4` (image ID `sha256:feed`) |')
    expect(summary).toContain(`- Artifact [${artifact.name}](https://github.com/o/r/actions/runs/77/artifacts/1001)`)
    expect(summary).toContain('### Pods not Ready')
  })

  it('collects nothing when nothing failed, and still writes the summary', async () => {
    const env = runnerEnv()
    const outcome = await reportInPost({ docker, state, settings: onFailure('success'), clusterName: cluster, reporter: silentReporter, read: () => '', env })
    expect(outcome?.fact.collected).toBe(false)
    expect(server.requests).toEqual([])
    expect(readFileSync(env.GITHUB_STEP_SUMMARY, 'utf8')).toContain("Not collected: logs is on-failure and the job's status is success.")
  })

  it('keeps the logs in logs_dir with a warning when the artifact service is not there', async () => {
    const env = runnerEnv()
    delete (env as Record<string, string | undefined>).ACTIONS_RUNTIME_TOKEN
    delete (env as Record<string, string | undefined>).ACTIONS_RESULTS_URL
    const reporter = recorder()
    const outcome = await reportInPost({
      docker,
      state,
      settings: { policy: 'always', logsDir: 'cluster-logs', jobStatus: '' },
      clusterName: cluster,
      reporter,
      read: () => '',
      env
    })
    expect(outcome?.fact.dir).toBe(join(env.GITHUB_WORKSPACE, 'cluster-logs'))
    expect(readFileSync(join(env.GITHUB_WORKSPACE, 'cluster-logs', cp, 'kubernetes-version.txt'), 'utf8')).toBe('v1.34.4')
    expect(reporter.warnings).toEqual([
      `Logs not uploaded: the artifact service is not available: ACTIONS_RUNTIME_TOKEN and ACTIONS_RESULTS_URL are not set (not on a GitHub runner?). They are on the runner in ${join(env.GITHUB_WORKSPACE, 'cluster-logs')}`
    ])
    expect(readFileSync(env.GITHUB_STEP_SUMMARY, 'utf8')).toContain('- No artifact: the artifact service is not available')
  })

  it('adds only the logs part when the main step already wrote the summary of its failure', async () => {
    const env = runnerEnv()
    const failed: ActionState = {
      ...state,
      completed: false,
      summaryWritten: true,
      failure: { phase: 'Starting control-plane (kubeadm init)', message: 'boom' }
    }
    await reportInPost({ docker, state: failed, settings: onFailure(), clusterName: cluster, reporter: silentReporter, read: () => '', env })
    const summary = readFileSync(env.GITHUB_STEP_SUMMARY, 'utf8')
    expect(summary.startsWith('### Logs\n\nCollected: creating the cluster failed in “Starting control-plane (kubeadm init)”.')).toBe(true)
    expect(summary).not.toContain('## kind cluster')
  })
})

describe('post.run', () => {
  const cluster = uniqueName('postrun')
  const cp = `${cluster}-control-plane`
  const worker = `${cluster}-worker`
  const env: Record<string, string> = {}
  let containers: string[] = []
  const keys = ['STATE_kind-action', 'INPUT_JOB_STATUS', 'INPUT_MATRIX', 'INPUT_CHECK_RUN_ID']
  let before: Record<string, string | undefined> = {}

  beforeAll(() => {
    ensureStandInImage()
    before = Object.fromEntries(keys.map(k => [k, process.env[k]]))
  })
  afterAll(() => {
    removeContainers(containers)
    for (const k of keys) {
      if (before[k] === undefined) delete process.env[k]
      else process.env[k] = before[k]
    }
  })

  it('collects and uploads the logs of a cluster whose creation failed, then deletes it', async () => {
    const owner = `run-${cluster}`
    containers = startStandInCluster(cluster, [{ name: cp, role: 'control-plane' }, { name: worker, role: 'worker' }], { [OWNER_LABEL]: owner })
    const base = mkdtempSync(join(tmpdir(), 'runner-'))
    writeFileSync(join(base, 'summary.md'), '')
    Object.assign(env, {
      RUNNER_TEMP: base,
      GITHUB_WORKSPACE: base,
      GITHUB_STEP_SUMMARY: join(base, 'summary.md'),
      GITHUB_JOB: 'e2e',
      GITHUB_RUN_ID: '78',
      GITHUB_REPOSITORY: 'o/r',
      ACTIONS_RUNTIME_TOKEN: server.token,
      ACTIONS_RESULTS_URL: server.url
    })
    const state: ActionState = {
      version: 1,
      clusterName: cluster,
      owner,
      kubeconfigPath: join(base, 'kubeconfig'),
      cleanup: true,
      keepOnFailure: false,
      logs: 'on-failure',
      logsDir: '',
      creating: true,
      failure: { phase: 'Joining nodes', message: 'command failed on node x', node: worker, command: 'kubeadm join', outputTail: 'error' }
    }
    process.env['STATE_kind-action'] = JSON.stringify(state)
    process.env.INPUT_JOB_STATUS = 'failure'
    const { run } = await import('../../../src/post.js')
    await run(docker, env)

    expect(server.problems).toEqual([])
    expect(server.artifacts).toHaveLength(1)
    const listing = zipListing(server.artifacts[0].blob!)
    expect(listing).toContain(`${worker}/journal.log`)
    expect(listing).toContain(`${cp}/serial.log`)
    // Deleted after the logs were taken.
    expect(execFileSync('docker', ['ps', '-a', '-q', '--filter', `label=io.x-k8s.kind.cluster=${cluster}`], { encoding: 'utf8' }).trim()).toBe('')
    const summary = readFileSync(env.GITHUB_STEP_SUMMARY, 'utf8')
    expect(summary).toContain(`## kind cluster \`${cluster}\`: creation failed in “Joining nodes”`)
    expect(summary).toContain('**Command** on `' + worker + '`: `kubeadm join`')
    expect(summary).toContain('- Artifact [kind-logs-e2e-')
  })
})
