// When the action's kind CLI goes on PATH (kind_cli), and that the shim it writes runs it: real files
// and real processes in a temp dir; the "other kind" found on PATH is a small script printing a version.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync, chmodSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { decideKindCli, findOnPath, parseKindVersion, setUpKindCli } from '../../../src/kind-cli/install.js'
import { parseInputs } from '../../../src/inputs.js'

const dirs: string[] = []
const tempDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'kind-cli-install-'))
  dirs.push(dir)
  return dir
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

function fakeKind(dir: string, output: string): string {
  const path = join(dir, 'kind')
  writeFileSync(path, `#!/bin/sh\necho '${output}'\n`)
  chmodSync(path, 0o755)
  return path
}

describe('the decision', () => {
  it.each([
    ['kind v0.31.0 go1.25.5 linux/amd64', true],
    ['kind v0.20.0 go1.20.4 linux/amd64', true],
    ['kind v0.32.0 go1.25.7 linux/amd64', false],
    ['kind v0.33.0-alpha.12+abc go1.26 linux/amd64', false],
    ['kind v1.0.0 go1.30 linux/amd64', false],
    ['something else', true]
  ])('auto with "%s" on PATH installs ours: %s', (output, install) => {
    expect(decideKindCli('auto', { path: '/usr/local/bin/kind', versionOutput: output }).install).toBe(install)
  })

  it('auto without a kind installs ours; true always; false never', () => {
    expect(decideKindCli('auto').install).toBe(true)
    expect(decideKindCli('true', { path: '/x/kind', versionOutput: 'kind v0.33.0' }).install).toBe(true)
    expect(decideKindCli('false').install).toBe(false)
  })

  it('reads kind version lines', () => {
    expect(parseKindVersion('kind v0.29.0 go1.24.2 linux/amd64')).toEqual([0, 29, 0])
    expect(parseKindVersion('0.33.0+kind-action.1.0.0')).toEqual([0, 33, 0])
    expect(parseKindVersion('no version')).toBeUndefined()
  })

  it('reads the kind_cli input, refusing anything but auto, true, false', () => {
    const read = (value: string) => (name: string) => (name === 'kind_cli' ? value : name === 'wait' ? '5m' : '')
    expect(parseInputs(read('')).kindCli).toBe('auto')
    expect(parseInputs(read('TRUE')).kindCli).toBe('true')
    expect(() => parseInputs(read('yes'))).toThrow('kind_cli: "yes" is not accepted; use one of auto, true, false')
  })
})

describe('setting it up', () => {
  it('finds the first executable kind on PATH, skipping our own directory', () => {
    const [a, b] = [tempDir(), tempDir()]
    writeFileSync(join(a, 'kind'), 'not executable')
    const inB = fakeKind(b, 'kind v0.31.0')
    expect(findOnPath('kind', `${a}:${b}`)).toBe(inB)
    expect(findOnPath('kind', `${b}`, b)).toBeUndefined()
  })

  it('writes an executable shim in RUNNER_TEMP that runs the CLI with the given node, arguments intact', async () => {
    const temp = tempDir()
    const script = join(temp, 'fake-cli.mjs')
    writeFileSync(script, 'console.log(JSON.stringify(process.argv.slice(2)))\n')
    const setup = await setUpKindCli({ mode: 'true', pathEnv: '', runnerTemp: temp, node: process.execPath, script })
    expect(setup.path).toBe(join(temp, 'kind-action-kind-cli', 'kind'))
    expect(setup.addToPath).toBe(join(temp, 'kind-action-kind-cli'))
    expect(statSync(setup.path).mode & 0o111).toBe(0o111)
    expect(readFileSync(setup.path, 'utf8')).toMatch(/^#!\/bin\/sh\n/)
    const out = execFileSync(setup.path, ['get', 'nodes', "--name=it's", 'a b'], { encoding: 'utf8' })
    expect(JSON.parse(out)).toEqual(['get', 'nodes', "--name=it's", 'a b'])
  })

  it('auto keeps a kind v0.32+ already on PATH and reports its path; replaces an older one', async () => {
    const [temp, bin] = [tempDir(), tempDir()]
    const existing = fakeKind(bin, 'kind v0.32.0 go1.25.7 linux/amd64')
    const kept = await setUpKindCli({ mode: 'auto', pathEnv: bin, runnerTemp: temp, node: process.execPath, script: '/x.js' })
    expect(kept.path).toBe(existing)
    expect(kept.addToPath).toBeUndefined()
    fakeKind(bin, 'kind v0.31.0 go1.25.5 linux/amd64')
    const replaced = await setUpKindCli({ mode: 'auto', pathEnv: bin, runnerTemp: temp, node: process.execPath, script: '/x.js' })
    expect(replaced.addToPath).toBe(join(temp, 'kind-action-kind-cli'))
    expect(replaced.reason).toContain('older than v0.32')
    expect(await setUpKindCli({ mode: 'false', pathEnv: bin, runnerTemp: temp, node: process.execPath, script: '/x.js' })).toMatchObject({ path: '' })
  })
})
