import { execFileSync } from 'node:child_process'
import { existsSync, linkSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { extractTar, parsePax, safeEntryPath } from '../../../src/logs/tar.js'
import { archive, chunks, entry, pax } from './tar-builder.js'

const roomy = { maxFileBytes: 1 << 20, maxTotalBytes: 1 << 24 }

function scratch(): string {
  return mkdtempSync(join(tmpdir(), 'tar-test-'))
}

/** Every path under dir, files and directories, relative and sorted. */
function tree(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap(e => (e.isDirectory() ? [`${prefix}${e.name}/`, ...tree(join(dir, e.name), `${prefix}${e.name}/`)] : [`${prefix}${e.name}`]))
    .sort()
}

/** A tree like a node's /var/log: nested dirs, a symlink, a hard link, a FIFO, a long path. */
function varLog(): string {
  const root = scratch()
  mkdirSync(join(root, 'pods/kube-system_etcd-kind-control-plane_0123/etcd'), { recursive: true })
  writeFileSync(join(root, 'pods/kube-system_etcd-kind-control-plane_0123/etcd/0.log'), 'etcd started\n')
  mkdirSync(join(root, 'containers'))
  symlinkSync('../pods/kube-system_etcd-kind-control-plane_0123/etcd/0.log', join(root, 'containers/etcd.log'))
  writeFileSync(join(root, 'dpkg.log'), 'installed\n')
  linkSync(join(root, 'dpkg.log'), join(root, 'dpkg-hardlink.log'))
  execFileSync('mkfifo', [join(root, 'fifo')])
  const deep = join(root, 'd'.repeat(60), 'e'.repeat(60))
  mkdirSync(deep, { recursive: true })
  writeFileSync(join(deep, `${'f'.repeat(90)}.log`), 'deep\n')
  return root
}

function gnuTar(args: string[]): Buffer {
  return execFileSync('tar', args, { maxBuffer: 1 << 26 })
}

describe('extractTar with archives made by GNU tar', () => {
  it('writes regular files and directories, and skips links and FIFOs when not dereferenced', async () => {
    const src = varLog()
    const out = scratch()
    const report = await extractTar(chunks(gnuTar(['-C', src, '-cf', '-', '.']), 4096), out, roomy)
    // Whichever of the two names tar meets first carries the data; the other is a hard link to it.
    const dpkg = tree(out).filter(p => p.startsWith('dpkg'))
    expect(dpkg).toHaveLength(1)
    expect(readFileSync(join(out, dpkg[0]), 'utf8')).toBe('installed\n')
    const other = dpkg[0] === 'dpkg.log' ? 'dpkg-hardlink.log' : 'dpkg.log'
    expect(tree(out).filter(p => !p.startsWith('dpkg'))).toEqual(
      [
        'd'.repeat(60) + '/',
        `${'d'.repeat(60)}/${'e'.repeat(60)}/`,
        `${'d'.repeat(60)}/${'e'.repeat(60)}/${'f'.repeat(90)}.log`,
        'containers/',
        'pods/',
        'pods/kube-system_etcd-kind-control-plane_0123/',
        'pods/kube-system_etcd-kind-control-plane_0123/etcd/',
        'pods/kube-system_etcd-kind-control-plane_0123/etcd/0.log'
      ].sort()
    )
    expect(readFileSync(join(out, 'pods/kube-system_etcd-kind-control-plane_0123/etcd/0.log'), 'utf8')).toBe('etcd started\n')
    expect(report.skipped.sort()).toEqual(['containers/etcd.log (symbolic link)', `${other} (hard link)`, 'fifo (FIFO)'].sort())
    expect(report.refused).toEqual([])
  })

  it('gets the targets of links as files with kind\'s flags (-h --hard-dereference)', async () => {
    const src = varLog()
    const out = scratch()
    const report = await extractTar(gnuTar(['--hard-dereference', '-C', src, '-chf', '-', '--exclude=./fifo', '.']), out, roomy)
    expect(readFileSync(join(out, 'containers/etcd.log'), 'utf8')).toBe('etcd started\n')
    expect(readFileSync(join(out, 'dpkg-hardlink.log'), 'utf8')).toBe('installed\n')
    expect(report.skipped).toEqual([])
  })

  it('reads long names in pax and in ustar (prefix) formats as well', async () => {
    const src = varLog()
    for (const format of ['pax', 'ustar']) {
      const out = scratch()
      await extractTar(gnuTar([`--format=${format}`, '-C', src, '-cf', '-', '--exclude=./fifo', '.']), out, roomy)
      expect(readFileSync(join(out, 'd'.repeat(60), 'e'.repeat(60), `${'f'.repeat(90)}.log`), 'utf8')).toBe('deep\n')
    }
  })

  it('refuses names that climb out or are absolute, and writes nothing outside the target', async () => {
    const base = scratch()
    const target = join(base, 'target')
    writeFileSync(join(base, 'outside'), 'mine')
    mkdirSync(join(base, 'work'))
    writeFileSync(join(base, 'work', 'x'), 'x')
    writeFileSync(join(base, 'work', 'y'), 'y')
    // -P keeps ../ and leading / in member names, as a hostile archive would have them.
    const evil = execFileSync('tar', ['-P', '-C', join(base, 'work'), '-cf', '-', '../outside', join(base, 'work', 'x'), 'y'])
    const report = await extractTar(evil, target, roomy)
    expect(report.refused).toEqual(['../outside', join(base, 'work', 'x')])
    expect(tree(target)).toEqual(['y'])
    expect(readFileSync(join(base, 'outside'), 'utf8')).toBe('mine')
  })

  it('keeps the last bytes of a file over the per-file cap, with a note', async () => {
    const src = scratch()
    writeFileSync(join(src, 'big.log'), Buffer.concat([Buffer.alloc(5000, 'a'), Buffer.from('THE END\n')]))
    const out = scratch()
    const report = await extractTar(gnuTar(['-C', src, '-cf', '-', 'big.log']), out, { maxFileBytes: 100, maxTotalBytes: 1 << 20 })
    const text = readFileSync(join(out, 'big.log'), 'utf8')
    expect(text.split('\n')[0]).toBe('[kind-action] truncated: the first 4.8 KiB were dropped; kept the last 100 B of 4.9 KiB')
    expect(text.endsWith('THE END\n')).toBe(true)
    expect(text.length).toBe(text.split('\n')[0].length + 1 + 100)
    expect(report.truncated).toEqual(['big.log'])
  })

  it('stops writing files once the tree reaches its total cap, and lists what it skipped', async () => {
    const src = scratch()
    for (const name of ['a', 'b', 'c']) writeFileSync(join(src, name), Buffer.alloc(600, name))
    const out = scratch()
    const report = await extractTar(gnuTar(['-C', src, '-cf', '-', 'a', 'b', 'c']), out, { maxFileBytes: 1000, maxTotalBytes: 1000 })
    expect(readFileSync(join(out, 'a')).length).toBe(600)
    // b gets what is left of the budget (its tail, with a note); c is skipped.
    expect(readFileSync(join(out, 'b'), 'utf8')).toContain('kept the last 400 B of 600 B')
    expect(existsSync(join(out, 'c'))).toBe(false)
    expect(report.skipped).toEqual(['c (600 B: the 1000 B limit for this tree was reached)'])
  })
})

describe('extractTar with hand-made archives', () => {
  it('refuses ../ anywhere in a name, and absolute names', async () => {
    const out = join(scratch(), 'target')
    const report = await extractTar(
      archive(entry('../escape', 'no'), entry('a/../../escape', 'no'), entry('/etc/passwd', 'no'), entry('ok/fine.log', 'yes')),
      out,
      roomy
    )
    expect(report.refused).toEqual(['../escape', 'a/../../escape', '/etc/passwd'])
    expect(tree(out)).toEqual(['ok/', 'ok/fine.log'])
  })

  it('refuses a pax path or GNU long name that climbs out, too', async () => {
    const out = scratch()
    const longName = Buffer.from('../../' + 'x'.repeat(120))
    const report = await extractTar(
      archive(pax({ path: '../pax-escape' }), entry('innocent', 'no'), entry('././@LongLink', longName, { type: 'L' }), entry('innocent2', 'no')),
      out,
      roomy
    )
    expect(report.refused).toEqual(['../pax-escape', longName.toString()])
    expect(tree(out)).toEqual([])
  })

  it('uses pax size and path records, and reads GNU base-256 sizes', async () => {
    const out = scratch()
    await extractTar(archive(pax({ path: 'from-pax.log' }), entry('ignored', 'pax'), entry('b256.log', 'base 256', { base256Size: true })), out, roomy)
    expect(readFileSync(join(out, 'from-pax.log'), 'utf8')).toBe('pax')
    expect(readFileSync(join(out, 'b256.log'), 'utf8')).toBe('base 256')
  })

  it('skips an entry it cannot write and goes on with the rest', async () => {
    const out = scratch()
    const report = await extractTar(archive(entry('a/b', 'dir first', { type: '5' }), entry('a/b', 'a file where a directory is'), entry('c', 'after')), out, roomy)
    expect(report.skipped).toEqual(['a/b (EISDIR)'])
    expect(readFileSync(join(out, 'c'), 'utf8')).toBe('after')
  })

  it('joins the ustar prefix and name', async () => {
    const out = scratch()
    await extractTar(archive(entry('name.log', 'p', { prefix: 'some/dir' })), out, roomy)
    expect(readFileSync(join(out, 'some/dir/name.log'), 'utf8')).toBe('p')
  })

  it('replaces characters the artifact service refuses in file names', async () => {
    const out = scratch()
    await extractTar(archive(entry('journal/system@x:y.journal', 'j')), out, roomy)
    expect(tree(out)).toEqual(['journal/', 'journal/system@x_y.journal'])
  })

  it('survives a stream cut into one-byte chunks', async () => {
    const out = scratch()
    const report = await extractTar(chunks(archive(entry('a/b.log', 'x'.repeat(700)), entry('c.log', 'c')), 1), out, roomy)
    expect(report.files).toBe(2)
    expect(readFileSync(join(out, 'a/b.log'), 'utf8')).toBe('x'.repeat(700))
  })

  it('keeps what came before an archive that ends early', async () => {
    const out = scratch()
    const whole = archive(entry('first', 'one'), entry('second', 'two'.repeat(300)))
    const report = await extractTar(whole.subarray(0, 512 + 512 + 512 + 100), out, roomy)
    expect(readFileSync(join(out, 'first'), 'utf8')).toBe('one')
    expect(report.files).toBe(2)
  })

  it('throws on bytes that are not a tar archive', async () => {
    await expect(extractTar([Buffer.alloc(512, 'x')], scratch(), roomy)).rejects.toThrow(/not a tar archive/)
    await expect(extractTar(archive(entry('x', 'y', { badChecksum: true })), scratch(), roomy)).rejects.toThrow(/checksum/)
  })

  it('accepts an empty archive and an empty stream', async () => {
    expect((await extractTar(archive(), scratch(), roomy)).files).toBe(0)
    expect((await extractTar([], scratch(), roomy)).files).toBe(0)
  })
})

describe('extractTar: the log export policy on the shared reader', () => {
  it('reads the source to its end, so that the docker exec producing it can finish', async () => {
    let read = 0
    async function* source(): AsyncGenerator<Buffer> {
      yield archive(entry('a', 'one'))
      for (let i = 0; i < 3; i++) {
        read++
        yield Buffer.from('trailing bytes after the end of the archive')
      }
    }
    const out = scratch()
    expect((await extractTar(source(), out, roomy)).files).toBe(1)
    expect(read).toBe(3)
  })

  it('keeps default modes rather than those of the entries, and writes no links even when they are safe', async () => {
    const src = scratch()
    writeFileSync(join(src, 'secret.log'), 's', { mode: 0o600 })
    symlinkSync('secret.log', join(src, 'link.log'))
    const out = scratch()
    const report = await extractTar(gnuTar(['-C', src, '-cf', '-', 'secret.log', 'link.log']), out, roomy)
    expect(statSync(join(out, 'secret.log')).mode & 0o777).toBe(0o666 & ~process.umask())
    expect(tree(out)).toEqual(['secret.log'])
    expect(report.skipped).toEqual(['link.log (symbolic link)'])
  })
})

describe('safeEntryPath and parsePax', () => {
  it.each([
    ['./pods/a.log', 'pods/a.log'],
    ['pods//a.log', 'pods/a.log'],
    ['.', ''],
    ['a/./b', 'a/b'],
    ['..', undefined],
    ['a/..', undefined],
    ['/abs', undefined],
    ['x:y|z', 'x_y_z']
  ])('%s → %s', (name, expected) => {
    expect(safeEntryPath(name)).toBe(expected)
  })

  it('reads length-prefixed records and stops at a malformed one', () => {
    expect(parsePax(Buffer.from('18 path=some/file\n11 size=42\n'))).toEqual({ path: 'some/file', size: '42' })
    expect(parsePax(Buffer.from('99 path=x\n'))).toEqual({})
  })
})
