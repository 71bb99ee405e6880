import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { NodeCommandError } from '../../../src/cluster/node-exec.js'
import { cell, code, codeBlock, describeFailure, renderSummary, writeSummary, type SummaryFacts } from '../../../src/logs/summary.js'

const READY: SummaryFacts = {
  clusterName: 'kind',
  kubernetesVersion: 'v1.34.4',
  nodeImage: 'kindest/node:v1.34.4@sha256:0123abcd',
  nodes: [
    { name: 'kind-control-plane', role: 'control-plane', ipv4: '172.18.0.2', ipv6: 'fc00:f853:ccd:e793::2' },
    { name: 'kind-worker', role: 'worker', ipv4: '172.18.0.3', ipv6: '' }
  ],
  timings: [
    { phase: 'Preparing images, network and host', seconds: 1.234 },
    { phase: 'Starting control-plane (kubeadm init)', seconds: 41.5 }
  ],
  cache: { hit: true, key: 'kind-node-sha256:0123', detail: 'restored in 9.1 s' }
}

describe('renderSummary for a ready cluster', () => {
  const md = renderSummary(READY)

  it('names the cluster, the version and the image with its digest', () => {
    expect(md).toContain('## kind cluster `kind`: ready')
    expect(md).toContain('| Kubernetes | `v1.34.4` |')
    expect(md).toContain('| Node image | `kindest/node:v1.34.4` (digest `sha256:0123abcd`) |')
    expect(md).toContain('| Image cache | hit (restored in 9.1 s), key `kind-node-sha256:0123` |')
  })

  it('lists nodes with roles and addresses, and every phase with its time', () => {
    expect(md).toContain('| kind-control-plane | control-plane | 172.18.0.2 | fc00:f853:ccd:e793::2 |')
    expect(md).toContain('| kind-worker | worker | 172.18.0.3 | – |')
    expect(md).toContain('| Preparing images, network and host | 1.23 |')
    expect(md).toContain('| Starting control-plane (kubeadm init) | 41.50 |')
  })

  it('has no failure section', () => {
    expect(md).not.toContain('### Failure')
  })

  it('shows the image ID when the reference has no digest', () => {
    expect(renderSummary({ ...READY, nodeImage: 'kindest/node:v1.34.4', nodeImageId: 'sha256:feed' })).toContain(
      '| Node image | `kindest/node:v1.34.4` (image ID `sha256:feed`) |'
    )
  })
})

describe('renderSummary for a failed creation', () => {
  const failed: SummaryFacts = {
    ...READY,
    nodes: undefined,
    failure: {
      phase: 'Starting control-plane (kubeadm init)',
      message: 'command failed on node kind-control-plane (exit code 1): kubeadm init --config=/kind/kubeadm.conf\n[init] ...',
      node: 'kind-control-plane',
      command: 'kubeadm init --config=/kind/kubeadm.conf --skip-token-print --v=6',
      outputTail: 'I0101 wait-control-plane\nerror execution phase wait-control-plane: couldn\'t initialize a Kubernetes cluster'
    },
    notReadyPods: [
      {
        namespace: 'kube-system',
        name: 'kube-apiserver-kind-control-plane',
        node: 'kind-control-plane',
        phase: 'Running',
        reason: 'CrashLoopBackOff',
        events: [
          { time: 't1', type: 'Warning', reason: 'BackOff', object: 'Pod/x', namespace: 'kube-system', count: 3, message: 'Back-off restarting | failed <container>' }
        ]
      }
    ]
  }
  const md = renderSummary(failed)

  it('names the phase, the cause in one line, the command and the tail of its output', () => {
    expect(md).toContain('## kind cluster `kind`: creation failed in “Starting control-plane (kubeadm init)”')
    expect(md).toContain('**Phase:** Starting control-plane (kubeadm init)')
    expect(md).toContain('**Cause:** command failed on node kind-control-plane (exit code 1): kubeadm init --config=/kind/kubeadm.conf\n')
    expect(md).toContain('**Command** on `kind-control-plane`: `kubeadm init --config=/kind/kubeadm.conf --skip-token-print --v=6`')
    expect(md).toContain("```text\nI0101 wait-control-plane\nerror execution phase wait-control-plane: couldn't initialize a Kubernetes cluster\n```")
  })

  it('says a cancelled creation was cancelled, by which signal, in which phase', () => {
    const cancelled = renderSummary({ clusterName: 'kind', failure: { phase: 'Joining w1', message: 'cancelled (SIGINT) during Joining w1', cancelled: 'SIGINT' } })
    expect(cancelled).toContain('## kind cluster `kind`: creation cancelled (SIGINT) in “Joining w1”')
    expect(cancelled).toContain('**Cause:** cancelled (SIGINT) during Joining w1')
  })

  it('lists the pods that are not Ready with their last events, escaped for a table', () => {
    expect(md).toContain(
      '| kube-system/kube-apiserver-kind-control-plane | kind-control-plane | Running | CrashLoopBackOff | Warning BackOff: Back-off restarting \\| failed &lt;container&gt; |'
    )
  })

  it('says when the main step never finished', () => {
    const md = renderSummary({ clusterName: 'kind', mainIncomplete: true, timings: READY.timings })
    expect(md).toContain('## kind cluster `kind`: the main step did not finish')
    expect(md).toContain('did not finish (it crashed, was cancelled or timed out)')
  })
})

describe('the logs section', () => {
  it('links the artifact and names the directory', () => {
    const md = renderSummary(
      {
        clusterName: 'kind',
        logs: {
          decision: "the job's status is failure",
          collected: true,
          dir: '/runner/temp/kind-logs-kind-x',
          artifact: { name: 'kind-logs-e2e-kind-0123abcd', id: 42, size: 2 * 1024 * 1024, url: 'https://github.com/o/r/actions/runs/9/artifacts/42' },
          errors: 2
        }
      },
      { overview: false }
    )
    expect(md).toBe(
      [
        '### Logs',
        '',
        "Collected: the job's status is failure.",
        '',
        '- Artifact [kind-logs-e2e-kind-0123abcd](https://github.com/o/r/actions/runs/9/artifacts/42): id 42, 2.0 MiB zipped',
        '- On the runner: `/runner/temp/kind-logs-kind-x`',
        '- 2 item(s) could not be collected: see `errors.txt` in the bundle',
        '',
        ''
      ].join('\n')
    )
  })

  it('says why there is no artifact, or why nothing was collected', () => {
    const noService = renderSummary({
      clusterName: 'kind',
      logs: { decision: 'logs is always', collected: true, dir: 'logs', kept: true, uploadProblem: 'the artifact service is not available' }
    })
    expect(noService).toContain('- No artifact: the artifact service is not available')
    expect(noService).toContain('- On the runner: `logs` (logs_dir)')
    expect(renderSummary({ clusterName: 'kind', logs: { decision: 'logs is never', collected: false } })).toContain('Not collected: logs is never.')
  })
})

describe('markdown helpers', () => {
  it('keeps cells in their column and row', () => {
    expect(cell('a|b\nc')).toBe('a\\|b<br>c')
  })

  it('fences code that contains backticks', () => {
    expect(code('a`b')).toBe('``a`b``')
    expect(code('`x`')).toBe('`` `x` ``')
    expect(codeBlock('```\nnested\n```')).toBe('````text\n```\nnested\n```\n````')
  })
})

describe('describeFailure', () => {
  it('keeps the node, the command and the output tail of a failed node command', () => {
    const error = new NodeCommandError('kind-control-plane', ['kubeadm', 'init'], { exitCode: 1, stdout: 'out', stderr: 'err' })
    expect(describeFailure('Starting control-plane (kubeadm init)', error)).toEqual({
      phase: 'Starting control-plane (kubeadm init)',
      message: error.message,
      node: 'kind-control-plane',
      command: 'kubeadm init',
      outputTail: 'out\nerr'
    })
    expect(describeFailure('validating inputs', 'bad')).toEqual({ phase: 'validating inputs', message: 'bad' })
  })
})

describe('writeSummary', () => {
  it('appends to GITHUB_STEP_SUMMARY, and does nothing without it', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'summary-')), 'summary.md')
    writeFileSync(file, 'before\n')
    expect(await writeSummary('## x', { GITHUB_STEP_SUMMARY: file })).toBe(true)
    expect(readFileSync(file, 'utf8')).toBe('before\n## x\n')
    expect(await writeSummary('## x', {})).toBe(false)
  })
})
