// verbosity's call log, and that a bad helm-style input stops the main step before Docker is touched.
// The DockerPort here is a recording stand-in: what is under test is the decorator and the order of
// main's checks, not Docker (the e2e replay runs the same inputs against a real Engine).
import { afterEach, describe, expect, it } from 'vitest'
import { withCallLog } from '../../../src/docker/call-log.js'
import type { DockerPort, ExecResult } from '../../../src/docker/port.js'
import { run } from '../../../src/main.js'

function recordingPort(calls: string[], exec: ExecResult = { exitCode: 0, stdout: '', stderr: '' }): DockerPort {
  return new Proxy({} as DockerPort, {
    get: (_target, property) => async (...args: unknown[]) => {
      calls.push(String(property))
      if (property === 'exec') return exec
      if (property === 'removeContainer' && args[0] === 'gone') throw new Error('no such container: gone')
      return undefined
    }
  })
}

describe('withCallLog (verbosity)', () => {
  it('is the port itself at verbosity 0', () => {
    const port = recordingPort([])
    expect(withCallLog(port, 0, () => undefined)).toBe(port)
  })

  it('at 1 logs each call with its command, exit code and duration, never stdin, and passes results through', async () => {
    const lines: string[] = []
    const port = withCallLog(recordingPort([], { exitCode: 3, stdout: 'out', stderr: 'err' }), 1, l => lines.push(l))
    const result = await port.exec('c1-control-plane', ['kubeadm', 'init', '--v=6'], { stdin: 'SECRET-CERT' })
    expect(result.exitCode).toBe(3)
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(/^docker exec c1-control-plane kubeadm init --v=6 → exit 3, \d+\.\d\d s$/)
    expect(lines.join('\n')).not.toContain('SECRET')
  })

  it('at 2 also logs the output of commands run in nodes', async () => {
    const lines: string[] = []
    const port = withCallLog(recordingPort([], { exitCode: 0, stdout: 'a\nb\n', stderr: 'warn' }), 2, l => lines.push(l))
    await port.exec('n', ['true'])
    expect(lines.slice(1)).toEqual(['  stdout: a\nb', '  stderr: warn'])
  })

  it('logs a failed call and rethrows its error', async () => {
    const lines: string[] = []
    const port = withCallLog(recordingPort([]), 1, l => lines.push(l))
    await expect(port.removeContainer('gone')).rejects.toThrow('no such container: gone')
    expect(lines[0]).toMatch(/^docker removeContainer gone → failed after \d+\.\d\d s: no such container: gone$/)
  })

  it('names containers by name and image', async () => {
    const lines: string[] = []
    const port = withCallLog(recordingPort([]), 1, l => lines.push(l))
    await port.createContainer({ name: 'x-worker', Image: 'kindest/node:v1.37.2', HostConfig: {} })
    expect(lines[0]).toMatch(/^docker createContainer x-worker \(kindest\/node:v1\.37\.2\) → /)
  })
})

describe('main step with bad helm/kind-action inputs', () => {
  const saved = { ...process.env }
  afterEach(() => {
    process.env = { ...saved }
    process.exitCode = undefined
  })

  it.each([
    ['version', 'latest', /version: "latest" is not a kind release/],
    ['cloud_provider', 'true', /cloud_provider: helm\/kind-action runs cloud-provider-kind/],
    ['verbosity', 'loud', /verbosity: "loud" is not a whole number/],
    ['log_level', 'loud', /log_level \(deprecated, now verbosity\)/],
    // An old spelling next to the bad input: its deprecation warning is still given.
    ['cloud_provider', 'true', /::warning::node-image is deprecated \(from helm\/kind-action v1\.0\): use node_image instead/, { 'node-image': 'kindest/node:v1.37.2' }]
  ] as [string, string, RegExp, Record<string, string>?][])('%s: %s fails the step naming the input, and nothing reaches Docker', async (name, value, message, others = {}) => {
    const calls: string[] = []
    process.env[`INPUT_${name.toUpperCase()}`] = value
    for (const [other, otherValue] of Object.entries(others)) process.env[`INPUT_${other.toUpperCase()}`] = otherValue
    const out: string[] = []
    const write = process.stdout.write.bind(process.stdout)
    process.stdout.write = ((chunk: string) => (out.push(String(chunk)), true)) as typeof process.stdout.write
    try {
      await run(recordingPort(calls), process.env)
    } finally {
      process.stdout.write = write
    }
    expect(calls).toEqual([])
    expect(process.exitCode).toBe(1)
    expect(out.join('')).toMatch(message)
    // The error annotation (the first line) names the input itself.
    expect(out.join(""), out.join("")).toMatch(new RegExp(`::error::validating inputs: invalid input: ${name}[: ]`))
  })
})
