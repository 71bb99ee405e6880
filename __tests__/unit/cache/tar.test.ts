// Our tar reader and writer, checked against GNU tar in both directions.
import { execFileSync } from 'node:child_process'
import { createReadStream, createWriteStream, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, symlinkSync, linkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { randomBytes } from 'node:crypto'
import { afterAll, describe, expect, it } from 'vitest'
import { entryHeaders, extractTar, packDirectory, parsePax, type TarStats } from '../../../src/archive/tar.js'
import { archive, entry, pax } from '../logs/tar-builder.js'

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

// What the one reader (archive/tar.ts) adds to the cache's former one, and the combinations of its
// options that neither former reader had.
/** A hand-made link entry (the builder writes no link names): type 1 (hard) or 2 (symbolic). */
function link(name: string, type: '1' | '2', linkname: string): Buffer {
  const block = Buffer.from(entry(name, '', { type }))
  block.fill(0, 157, 257)
  block.write(linkname, 157, 100, 'utf8')
  block.fill(0x20, 148, 156)
  let sum = 0
  for (let i = 0; i < 512; i++) sum += block[i]
  block.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'ascii')
  return block
}

describe('extractTar: safety of the shared reader, with the default (cache) options', () => {
  /** An archive (made by GNU tar) whose first entry is a symlink and whose later entries go through it. */
  function throughLink(target: string, later: (first: string, second: string) => string[]): Buffer {
    const first = mkdtempSync(join(work, 'link-a-'))
    const second = mkdtempSync(join(work, 'link-b-'))
    symlinkSync(target, join(first, 'evil'))
    return execFileSync('tar', ['-cf', '-', '-C', first, 'evil', '-C', second, ...later(first, second)])
  }

  it('never writes a file through a symbolic link to a directory outside', async () => {
    const outside = mkdtempSync(join(work, 'outside-'))
    const tarred = throughLink(outside, (_, second) => {
      mkdirSync(join(second, 'evil'))
      writeFileSync(join(second, 'evil', 'x'), 'x')
      return ['evil/x']
    })
    await expect(extractTar(Readable.from([tarred]), join(work, 'through-dir-out'))).rejects.toThrow(/through a symbolic link/)
    expect(readdirSync(outside)).toEqual([])
  })

  it('never writes a file over a symbolic link to a file outside', async () => {
    const outside = join(mkdtempSync(join(work, 'outside-')), 'file')
    writeFileSync(outside, 'mine')
    const tarred = throughLink(outside, (_, second) => {
      writeFileSync(join(second, 'evil'), 'overwritten')
      return ['evil']
    })
    await expect(extractTar(Readable.from([tarred]), join(work, 'over-link-out'))).rejects.toThrow(/through a symbolic link/)
    expect(readFileSync(outside, 'utf8')).toBe('mine')
  })

  it('never hard-links a file reached through a symbolic link', async () => {
    const outside = mkdtempSync(join(work, 'outside-'))
    writeFileSync(join(outside, 'secret'), 'secret')
    const out = join(work, 'hard-through-out')
    const tarred = archive(link('evil', '2', outside), link('h', '1', 'evil/secret'))
    await expect(extractTar(tarred, out)).rejects.toThrow(/"evil\/secret" would be written through a symbolic link/)
    expect(readdirSync(out)).toEqual(['evil'])
  })

  it('refuses absolute names and ".." anywhere in a name, even one that would resolve inside', async () => {
    for (const name of ['/etc/passwd', 'a/../b', 'a/../../b']) {
      await expect(extractTar(archive(entry(name, 'no')), mkdtempSync(join(work, 'dots-')))).rejects.toThrow(/outside the target directory/)
    }
    await expect(extractTar(archive(link('h', '1', '../x')), mkdtempSync(join(work, 'dots-')))).rejects.toThrow(/"..\/x" points outside/)
  })

  it('reads an archive that ends at an entry boundary without its end blocks, and accepts an empty one', async () => {
    const whole = archive(entry('a', 'one'))
    const out = join(work, 'no-end-out')
    expect((await extractTar(whole.subarray(0, 1024), out)).files).toBe(1)
    expect(readFileSync(join(out, 'a'), 'utf8')).toBe('one')
    expect((await extractTar([], join(work, 'empty-out'))).files).toBe(0)
  })

  it('rejects an archive cut inside a header or a pax record', async () => {
    const whole = archive(pax({ path: 'p' }), entry('a', 'one'))
    await expect(extractTar(whole.subarray(0, 100), join(work, 'cut-header'))).rejects.toThrow(/ends in the middle/)
    await expect(extractTar(whole.subarray(0, 600), join(work, 'cut-pax'))).rejects.toThrow(/ends in the middle/)
  })

  it('merges consecutive pax headers, and a pax path wins over a GNU long name', async () => {
    const out = join(work, 'pax-merge-out')
    await extractTar(
      archive(pax({ path: 'merged' }), pax({ comment: 'second header' }), entry('ignored', 'm'), entry('././@LongLink', 'long-name', { type: 'L' }), pax({ path: 'pax-wins' }), entry('ignored', 'p')),
      out
    )
    expect(readFileSync(join(out, 'merged'), 'utf8')).toBe('m')
    expect(readFileSync(join(out, 'pax-wins'), 'utf8')).toBe('p')
    expect(readdirSync(out).sort()).toEqual(['merged', 'pax-wins'])
  })

  it('gives files and directories their modes, and reports other entries as skipped', async () => {
    const out = join(work, 'modes-out')
    const report = await extractTar(archive(entry('d', '', { type: '5', mode: 0o700 }), entry('d/x', 'x', { mode: 0o600 }), entry('fifo', '', { type: '6' })), out)
    expect(lstatSync(join(out, 'd')).mode & 0o777).toBe(0o700)
    expect(lstatSync(join(out, 'd', 'x')).mode & 0o777).toBe(0o600)
    expect(report).toMatchObject({ files: 1, directories: 1, bytes: 1, skipped: ['fifo (FIFO)'], refused: [] })
  })

  it('closes a source it stops reading, rather than reading it to its end', async () => {
    let closed = false
    let after = 0
    async function* source(): AsyncGenerator<Buffer> {
      try {
        yield archive(entry('a', 'one'))
        for (;;) {
          after++
          yield Buffer.alloc(512)
        }
      } finally {
        closed = true
      }
    }
    await extractTar(source(), join(work, 'close-out'))
    expect(closed).toBe(true)
    expect(after).toBe(0)
  })
})

describe("extractTar: the logs side's policy with links written (problems: 'report', links: true)", () => {
  it('writes symbolic links, and refuses and lists an entry that would go through one', async () => {
    const outside = mkdtempSync(join(work, 'outside-'))
    const out = join(work, 'report-links-out')
    const report = await extractTar(
      archive(link('evil', '2', outside), entry('evil/x', 'no'), link('inside', '2', 'ok'), entry('ok', 'yes'), entry('/abs', 'no')),
      out,
      { problems: 'report' }
    )
    expect(report.refused).toEqual(['evil/x', '/abs'])
    expect(readdirSync(outside)).toEqual([])
    expect(readlinkSync(join(out, 'inside'))).toBe('ok')
    expect(readFileSync(join(out, 'inside'), 'utf8')).toBe('yes')
    expect(report.files).toBe(1)
  })

  it('lists a hard link whose target is missing as skipped and goes on', async () => {
    const out = join(work, 'report-hard-out')
    const report = await extractTar(archive(link('h', '1', 'missing'), entry('after', 'a')), out, { problems: 'report' })
    expect(report.skipped).toEqual(['h (ENOENT)'])
    expect(readFileSync(join(out, 'after'), 'utf8')).toBe('a')
  })

  it('caps files with the default (cache) options otherwise kept: modes and links', async () => {
    const out = join(work, 'capped-out')
    const report = await extractTar(archive(entry('big', 'x'.repeat(50), { mode: 0o600 }), link('l', '2', 'big')), out, {
      limits: { maxFileBytes: 10, maxTotalBytes: 100, truncationNote: (kept, total) => `[${kept}/${total}]\n`, totalReached: () => 'full' }
    })
    expect(readFileSync(join(out, 'big'), 'utf8')).toBe(`[10/50]\n${'x'.repeat(10)}`)
    expect(lstatSync(join(out, 'big')).mode & 0o777).toBe(0o600)
    expect(readlinkSync(join(out, 'l'))).toBe('big')
    expect(report.truncated).toEqual(['big'])
  })
})
