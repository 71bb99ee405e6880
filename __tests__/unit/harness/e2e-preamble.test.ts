// The e2e files' shared preamble (e2e/harness.ts clustersThroughAction), with the runner module that
// runs the built action replaced by a recorder: which steps it runs, in which order, and what the file
// gets back. (The e2e tier itself needs a node image and creates clusters; this needs neither.)
import { afterAll, describe, expect, it, vi } from 'vitest'

const calls: string[] = []
vi.mock('../../../hack/runner.mjs', () => ({
  fixtures: () => ({ nodeImage: 'kindest/node:test', kindCli: '/nowhere/kind' }),
  newRunner: () => {
    calls.push('newRunner')
    return { base: '/tmp/runner-base', summary: '/tmp/runner-base/summary.md', env: {}, home: '/tmp/runner-base/home' }
  },
  disposeRunner: (r: { base: string }) => void calls.push(`dispose ${r.base}`),
  runMain: async (_r: unknown, inputs: Record<string, string>) => {
    calls.push(`main ${inputs.cluster_name}`)
    return { exitCode: 0, log: '', outputs: { cluster_name: inputs.cluster_name }, state: {}, step: { cluster: inputs.cluster_name } }
  },
  runPost: async (_r: unknown, step: { cluster: string }) => {
    calls.push(`post ${step.cluster}`)
    return { exitCode: 0, log: `post of ${step.cluster}` }
  },
  jobEnv: () => ({}),
  runStep: async () => ({ exitCode: 0, log: '', outputs: {} })
}))

const { clusterThroughAction, clustersThroughAction } = await import('../../e2e/harness.js')

afterAll(() => {
  // The files' post steps, newest cluster first, then `after` with the last post's result. (The
  // harness disposes of the runners in a file-level hook of its own, after this one.)
  expect(calls).toEqual([
    'before',
    'newRunner',
    'main a',
    'main b',
    'post b',
    'post a',
    'after post of a',
    'newRunner',
    'main single',
    'post single'
  ])
})

describe('two clusters on one runner', () => {
  const { runner, mains } = clustersThroughAction(
    [{ inputs: { cluster_name: 'a' } }, { label: 'B', inputs: { cluster_name: 'b' } }],
    {
      before: async () => void calls.push('before'),
      after: async post => void calls.push(`after ${post?.log}`)
    }
  )

  it('runs before, then makes the runner and runs each main step in order, filling in their results', () => {
    expect(calls).toEqual(['before', 'newRunner', 'main a', 'main b'])
    expect(runner.base).toBe('/tmp/runner-base')
    expect(mains.map(m => m.outputs.cluster_name)).toEqual(['a', 'b'])
  })
})

describe('one cluster', () => {
  const { main } = clusterThroughAction({ cluster_name: 'single' })

  it('gives the main step result', () => {
    expect(main.exitCode).toBe(0)
    expect(main.outputs.cluster_name).toBe('single')
  })
})
