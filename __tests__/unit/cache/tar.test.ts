// Our tar reader and writer, checked against GNU tar in both directions.
import { execFileSync } from 'node:child_process'
import { createReadStream, createWriteStream, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, symlinkSync, linkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { randomBytes } from 'node:crypto'
import { afterAll, describe, expect, it } from 'vitest'
import { entryHeaders, extractTar, packDirectory, parsePax, type TarStats } from '../../../src/archive/tar.js'

const work = mkdtempSync(join(tmpdir(), 'kat-tar-'))
afterAll(() => rmSync(work, { recursive: true, force: true }))

const LONG_DIR = `${'d'.repeat(90)}/${'e'.repeat(90)}`
const LONG_FILE = `${LONG_DIR}/${'f'.repeat(120)}.json`

/** A tree with what docker-save layouts and images contain, plus the awkward cases. */
function makeTree(root: string): Record<string, Buffer> {
  const files: Record<string, Buffer> = {
    'manifest.json': Buffer.from('[{"Config":"c.json"}]'),
    'c.json': Buffer.from('{}'),
    'empty.txt': Buffer.alloc(0),
    'layer/one.tar': randomBytes(3 * 1024 * 1024 + 17),
    'layer/exact.bin': randomBytes(1024),
    [LONG_FILE]: Buffer.from('long'),
    'ünïcödé/名前.txt': Buffer.from('utf8 names')
  }
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true })
    writeFileSync(join(root, path), content)
  }
  mkdirSync(join(root, 'empty-dir'))
  symlinkSync('../layer/one.tar', join(root, 'layer', 'link.tar'))
  symlinkSync(`/${'t'.repeat(150)}`, join(root, 'long-target-link'))
  return files
}

function gnuList(archive: string): string[] {
  return execFileSync('tar', ['-tf', archive], { encoding: 'utf8' }).trim().split('\n')
}

async function packTo(dir: string, archive: string, skip: string[] = []): Promise<TarStats> {
  const stats: TarStats = { files: 0, bytes: 0 }
  await pipeline(packDirectory(dir, { skip, stats }), createWriteStream(archive))
  return stats
}

/** Feeds a stream in small, odd-sized chunks, so that headers and data straddle chunk boundaries. */
async function* chunked(path: string, size: number): AsyncGenerator<Buffer> {
  const all = readFileSync(path)
  for (let at = 0; at < all.length; at += size) yield all.subarray(at, at + size)
}

describe('packDirectory', () => {
  it('writes an archive GNU tar reads back identically, index files first', async () => {
    const src = join(work, 'pack-src')
    const files = makeTree(src)
    const archive = join(work, 'pack.tar')
    const stats = await packTo(src, archive)
    expect(stats.files).toBe(Object.keys(files).length)
    expect(stats.bytes).toBe(Object.values(files).reduce((n, b) => n + b.length, 0))
    const names = gnuList(archive)
    expect(names[0]).toBe('manifest.json')
    expect(names).toContain(LONG_FILE)
    expect(names).toContain('empty-dir/')

    const out = join(work, 'pack-out')
    mkdirSync(out)
    execFileSync('tar', ['-xf', archive, '-C', out])
    for (const [path, content] of Object.entries(files)) expect(readFileSync(join(out, path)).equals(content)).toBe(true)
    expect(readlinkSync(join(out, 'layer', 'link.tar'))).toBe('../layer/one.tar')
    expect(readlinkSync(join(out, 'long-target-link'))).toBe(`/${'t'.repeat(150)}`)
    expect(lstatSync(join(out, 'empty-dir')).isDirectory()).toBe(true)
  })

  it('leaves out skipped top-level names', async () => {
    const src = join(work, 'skip-src')
    makeTree(src)
    const archive = join(work, 'skip.tar')
    await packTo(src, archive, ['c.json', 'layer'])
    const names = gnuList(archive)
    expect(names).not.toContain('c.json')
    expect(names.some(n => n.startsWith('layer'))).toBe(false)
    expect(names).toContain('manifest.json')
  })

  it('uses a PAX size record past the ustar limit of 8 GiB', () => {
    const [pax, , , header] = entryHeaders('big', '0', 9 * 1024 ** 3, 0o644, 0)
    expect(pax.toString('latin1', 156, 157)).toBe('x')
    expect(header.toString('latin1', 124, 135)).toBe('00000000000')
    const data = entryHeaders('big', '0', 9 * 1024 ** 3, 0o644, 0)[1]
    expect(parsePax(data)).toEqual({ size: String(9 * 1024 ** 3) })
  })
})

describe('extractTar', () => {
  it('extracts what GNU tar wrote (PAX and GNU long names), whatever the chunking', async () => {
    const src = join(work, 'gnu-src')
    const files = makeTree(src)
    linkSync(join(src, 'layer', 'exact.bin'), join(src, 'hard.bin'))
    for (const format of ['posix', 'gnu', 'ustar']) {
      const archive = join(work, `gnu-${format}.tar`)
      // ustar cannot hold the long names and link target: leave them out.
      const excludes = format === 'ustar' ? [`--exclude=./${LONG_DIR.split('/')[0]}`, '--exclude=./long-target-link', '--exclude=./ünïcödé'] : []
      execFileSync('tar', [`--format=${format}`, ...excludes, '-cf', archive, '-C', src, '.'])
      // Odd chunk sizes make headers and data straddle chunk boundaries (one format is enough for that).
      for (const size of format === 'posix' ? [511, 513, 65536] : [65536]) {
        const out = join(work, `gnu-out-${format}-${size}`)
        const source = size === 65536 ? createReadStream(archive) : Readable.from(chunked(archive, size))
        await extractTar(source, out)
        for (const [path, content] of Object.entries(files)) {
          if (format === 'ustar' && (path === LONG_FILE || path.startsWith('ünïcödé'))) continue
          expect(readFileSync(join(out, path)).equals(content), `${format}/${size}: ${path}`).toBe(true)
        }
        expect(readlinkSync(join(out, 'layer', 'link.tar'))).toBe('../layer/one.tar')
        expect(lstatSync(join(out, 'hard.bin')).ino).toBe(lstatSync(join(out, 'layer', 'exact.bin')).ino)
        if (format !== 'ustar') expect(readlinkSync(join(out, 'long-target-link'))).toBe(`/${'t'.repeat(150)}`)
      }
    }
  }, 60_000)

  it('round-trips its own archives', async () => {
    const src = join(work, 'rt-src')
    const files = makeTree(src)
    const out = join(work, 'rt-out')
    const stats = await extractTar(packDirectory(src), out)
    expect(stats.files).toBe(Object.keys(files).length)
    for (const [path, content] of Object.entries(files)) expect(readFileSync(join(out, path)).equals(content)).toBe(true)
  })

  it('refuses entries that leave the directory', async () => {
    const src = join(work, 'evil-src')
    mkdirSync(join(src, 'a'), { recursive: true })
    writeFileSync(join(src, 'a', 'x'), 'x')
    const archive = join(work, 'evil.tar')
    execFileSync('tar', ['-cf', archive, '-C', src, '--transform=s,^a/x,../escaped,', 'a/x'])
    await expect(extractTar(createReadStream(archive), join(work, 'evil-out'))).rejects.toThrow(/outside the target directory/)
  })

  it('rejects a truncated archive and something that is not tar', async () => {
    const src = join(work, 'trunc-src')
    makeTree(src)
    const archive = join(work, 'trunc.tar')
    await packTo(src, archive)
    const torn = readFileSync(archive).subarray(0, 2 * 1024 * 1024)
    await expect(extractTar(Readable.from([torn]), join(work, 'trunc-out'))).rejects.toThrow(/ends in the middle/)
    await expect(extractTar(Readable.from([randomBytes(4096)]), join(work, 'junk-out'))).rejects.toThrow(/checksum/)
  })
})
