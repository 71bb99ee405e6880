import { mkdirSync, mkdtempSync, writeFileSync, chmodSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { entryImageId, splitTag } from '../../../src/build-node-image/image-store.js'
import { runScript, treeHash } from '../../../src/build-node-image/builder.js'

describe('splitTag', () => {
  it.each([
    ['kindest/node:v1.37.2', 'kindest/node', 'v1.37.2'],
    ['localhost:5000/node:dev', 'localhost:5000/node', 'dev'],
    ['localhost:5000/node', 'localhost:5000/node', 'latest'],
    ['node@sha256:' + 'a'.repeat(64), 'node', 'latest']
  ])('%s', (ref, repo, tag) => expect(splitTag(ref)).toEqual({ repo, tag }))
})

describe('entryImageId', () => {
  const id = 'f'.repeat(64)
  it.each([
    ['the legacy docker save layout', `${id}.json`],
    ['the OCI layout of Docker 25+', `blobs/sha256/${id}`]
  ])('reads %s', async (_, config) => {
    const dir = mkdtempSync(join(tmpdir(), 'entry-'))
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify([{ Config: config, RepoTags: ['x:y'] }]))
    expect(await entryImageId(dir)).toBe(`sha256:${id}`)
  })

  it('fails on a manifest without a config', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'entry-'))
    writeFileSync(join(dir, 'manifest.json'), '[{}]')
    await expect(entryImageId(dir)).rejects.toThrow(/names no image config/)
  })
})

describe('treeHash', () => {
  it('changes with a file content, a name and an executable bit, not with nothing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tree-'))
    mkdirSync(join(dir, 'sub'))
    writeFileSync(join(dir, 'sub', 'a.sh'), 'echo a')
    const first = treeHash(dir)
    expect(treeHash(dir)).toBe(first)
    chmodSync(join(dir, 'sub', 'a.sh'), 0o755)
    const executable = treeHash(dir)
    expect(executable).not.toBe(first)
    writeFileSync(join(dir, 'sub', 'a.sh'), 'echo b')
    expect(treeHash(dir)).not.toBe(executable)
  })
})

describe('runScript', () => {
  it('streams every line and keeps the last ones with the exit code', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'script-'))
    const script = join(dir, 's.sh')
    writeFileSync(script, 'for i in $(seq 1 30); do echo "line $i"; done; echo "oops $X" >&2; exit 3')
    const lines: string[] = []
    const result = await runScript(script, [], { X: 'here' }, line => lines.push(line))
    expect(result.exitCode).toBe(3)
    expect(lines).toHaveLength(31)
    expect(result.tail).toHaveLength(20)
    expect(result.tail.at(-1)).toBe('oops here')
  })
})
