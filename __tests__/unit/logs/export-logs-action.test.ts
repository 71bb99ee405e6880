import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { run } from '../../../src/export-logs.js'
import { fakeDocker } from './fake-docker.js'

describe('the export-logs sub-action', () => {
  let outputFile: string
  let saved: string | undefined
  beforeEach(() => {
    saved = process.env.GITHUB_OUTPUT
    outputFile = join(mkdtempSync(join(tmpdir(), 'output-')), 'output')
    writeFileSync(outputFile, '')
    process.env.GITHUB_OUTPUT = outputFile
    process.exitCode = undefined
  })
  afterEach(() => {
    if (saved === undefined) delete process.env.GITHUB_OUTPUT
    else process.env.GITHUB_OUTPUT = saved
    process.exitCode = undefined
  })

  const docker = fakeDocker([{ name: 'ci-control-plane', role: 'control-plane', cluster: 'ci' }], () => ({ stdout: '' }))

  it('writes the bundle into dir (relative to the workspace) and outputs the directory', async () => {
    const workspace = mkdtempSync(join(tmpdir(), 'ws-'))
    const inputs: Record<string, string> = { cluster_name: 'ci', dir: 'out/logs' }
    await run(docker, { GITHUB_WORKSPACE: workspace }, n => inputs[n] ?? '')
    expect(existsSync(join(workspace, 'out/logs/ci-control-plane/serial.log'))).toBe(true)
    expect(readFileSync(outputFile, 'utf8')).toContain(join(workspace, 'out/logs'))
    expect(process.exitCode).toBeUndefined()
  })

  it('defaults to kind and to a directory under RUNNER_TEMP', async () => {
    const temp = mkdtempSync(join(tmpdir(), 'temp-'))
    await run(docker, { RUNNER_TEMP: temp }, () => '')
    expect(existsSync(join(temp, 'kind-logs-kind', 'errors.txt'))).toBe(true)
    expect(process.exitCode).toBeUndefined()
  })

  it('fails on a cluster name kind would refuse, naming the input', async () => {
    await run(docker, {}, n => (n === 'cluster_name' ? 'My_Cluster' : ''))
    expect(process.exitCode).toBe(1)
  })
})
