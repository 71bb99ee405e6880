import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { diagnoseFailure, writeFailureSummary } from '../../../src/logs/diagnose.js'
import type { ActionState } from '../../../src/state.js'
import { actionState } from '../../helpers/state.js'
import { fakeDocker } from './fake-docker.js'
import { EVENTS, PODS } from './kube-fixtures.js'

const nodes = [{ name: 'kind-control-plane', role: 'control-plane', cluster: 'kind' }]
const answering = fakeDocker(nodes, (_node, command) => {
  const line = command.join(' ')
  if (line.endsWith('get events --all-namespaces -o json')) return { stdout: EVENTS }
  if (line.endsWith('get pods --all-namespaces -o json')) return { stdout: PODS }
  return { exitCode: 1, stderr: 'unexpected' }
})

const state: ActionState = actionState({
  creating: true,
  nodeImage: 'kindest/node:v1.34.4',
  timings: [{ phase: 'Creating node containers', seconds: 2 }],
  failure: {
    phase: 'Waiting for nodes Ready and CoreDNS',
    message: 'nodes not Ready: kind-control-plane',
    outputTail: undefined
  }
})

describe('diagnoseFailure', () => {
  it('lists the pods that are not Ready, asked from the bootstrap control plane', async () => {
    expect((await diagnoseFailure(answering, 'kind')).map(p => p.name)).toEqual(['oom', 'coredns-1', 'crashy'])
  })

  it('gives up quietly when the API server does not answer or nothing runs', async () => {
    const dead = fakeDocker(nodes, () => ({ exitCode: 1, stderr: 'connection refused' }))
    expect(await diagnoseFailure(dead, 'kind')).toEqual([])
    expect(await diagnoseFailure(answering, 'absent')).toEqual([])
    const hung = fakeDocker(nodes, () => ({ hang: true }))
    expect(await diagnoseFailure(hung, 'kind', 100)).toEqual([])
  })
})

describe('writeFailureSummary', () => {
  it('writes the failure and the pods that are not Ready', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'summary-')), 'summary.md')
    writeFileSync(file, '')
    expect(await writeFailureSummary(answering, state, { GITHUB_STEP_SUMMARY: file })).toBe(true)
    const md = readFileSync(file, 'utf8')
    expect(md).toContain('## kind cluster `kind`: creation failed in “Waiting for nodes Ready and CoreDNS”')
    expect(md).toContain('| Creating node containers | 2.00 |')
    expect(md).toContain('| kube-system/crashy | kind-control-plane | Running | CrashLoopBackOff | Warning BackOff: Back-off restarting failed container |')
  })

  it('does not look at a cluster it did not start creating (the name was taken), nor write without a summary file', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'summary-')), 'summary.md')
    writeFileSync(file, '')
    await writeFailureSummary(answering, { ...state, creating: false }, { GITHUB_STEP_SUMMARY: file })
    expect(readFileSync(file, 'utf8')).not.toContain('Pods not Ready')
    expect(await writeFailureSummary(answering, state, {})).toBe(false)
  })
})
