// The tar subset the image cache needs, streamed in both directions:
// - extractTar: `docker save` output → a directory (the cache entry's layout on disk);
// - packDirectory: that directory → a tar stream for `docker load`.
// Written here rather than taken from npm because the subset is small and fixed (regular files,
// directories, symlinks, hard links; ustar headers with PAX and GNU long-name records, which Go's
// archive/tar — Docker's writer — may emit), because both directions must stream with backpressure
// straight between Docker and the disk, and because it keeps the action free of another dependency.
// Unit tests check it against GNU tar in both directions.
import { lstat, link, mkdir, open, readdir, readlink, rm, symlink, type FileHandle } from 'node:fs/promises'
import { createReadStream } from 'node:fs'
import { dirname, join, relative, resolve, sep } from 'node:path'
import { Readable } from 'node:stream'

const BLOCK = 512
/** The largest size a ustar header's 11 octal digits hold; larger files get a PAX size record. */
const USTAR_MAX_SIZE = 0o77777777777

export interface TarStats {
  files: number
  /** Bytes of file content (not counting headers and padding). */
  bytes: number
}

// ---------------------------------------------------------------------------------------------
// Reading

function readString(block: Buffer, offset: number, length: number): string {
  const end = block.indexOf(0, offset)
  return block.toString('utf8', offset, end === -1 || end > offset + length ? offset + length : end)
}

/** A numeric header field: octal text, or GNU base-256 when the high bit of the first byte is set. */
function readNumber(block: Buffer, offset: number, length: number): number {
  if (block[offset] & 0x80) {
    let value = block[offset] & 0x7f
    for (let i = 1; i < length; i++) value = value * 256 + block[offset + i]
    return value
  }
  const text = readString(block, offset, length).trim()
  return text ? parseInt(text, 8) : 0
}

function checksumOf(block: Buffer): number {
  let sum = 0
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : block[i]
  return sum
}

/** PAX extended header records: "<length> <key>=<value>\n" repeated. */
export function parsePax(data: Buffer): Record<string, string> {
  const records: Record<string, string> = {}
  let at = 0
  while (at < data.length) {
    const space = data.indexOf(0x20, at)
    if (space === -1) break
    const length = parseInt(data.toString('utf8', at, space), 10)
    if (!(length > 0)) break
    const record = data.toString('utf8', space + 1, at + length - 1)
    const eq = record.indexOf('=')
    if (eq > 0) records[record.slice(0, eq)] = record.slice(eq + 1)
    at += length
  }
  return records
}

/** Resolves an archive path under root; refuses absolute paths and ".." that would leave it. */
function safePath(root: string, name: string): string {
  const cleaned = name.replace(/^\.\/+/, '').replace(/\/+$/, '')
  const target = resolve(root, cleaned)
  if (cleaned.startsWith('/') || (target !== root && !target.startsWith(root + sep))) {
    throw new Error(`tar entry ${JSON.stringify(name)} points outside the target directory`)
  }
  return target
}

interface Entry {
  name: string
  type: string
  size: number
  mode: number
  linkname: string
}

/**
 * Extracts a tar stream into `dir` (created if missing). Resolves once every file is written and
 * closed; rejects on a malformed archive or an entry that would escape `dir`.
 */
export async function extractTar(source: AsyncIterable<Buffer | string>, dir: string): Promise<TarStats> {
  const root = resolve(dir)
  await mkdir(root, { recursive: true })
  const stats: TarStats = { files: 0, bytes: 0 }
  let pending: Buffer = Buffer.alloc(0)
  // The entry whose data is being read: a file being written, or a metadata record being collected.
  let entry: Entry | undefined
  let remaining = 0
  let padding = 0
  let file: FileHandle | undefined
  let meta: Buffer[] | undefined
  let pax: Record<string, string> = {}
  let longName: string | undefined
  let longLink: string | undefined
  let ended = false

  const startEntry = async (header: Buffer): Promise<void> => {
    if (checksumOf(header) !== readNumber(header, 148, 8)) throw new Error('tar header checksum mismatch: not a tar archive or corrupt')
    const type = String.fromCharCode(header[156] || 0x30)
    const prefix = header.toString('latin1', 257, 263).startsWith('ustar') ? readString(header, 345, 155) : ''
    const base = readString(header, 0, 100)
    const current: Entry = {
      name: pax.path ?? longName ?? (prefix ? `${prefix}/${base}` : base),
      type,
      size: pax.size !== undefined ? Number(pax.size) : readNumber(header, 124, 12),
      mode: readNumber(header, 100, 8) & 0o7777,
      linkname: pax.linkpath ?? longLink ?? readString(header, 157, 100)
    }
    entry = current
    remaining = current.size
    padding = (BLOCK - (current.size % BLOCK)) % BLOCK
    if (type === 'x' || type === 'L' || type === 'K' || type === 'g') {
      // Metadata for the next entry: collect its data, apply it when it is complete.
      meta = []
      return
    }
    // Anything else consumes the pending metadata.
    pax = {}
    longName = undefined
    longLink = undefined
    const target = safePath(root, current.name)
    switch (type) {
      case '0':
      case '7':
        await mkdir(dirname(target), { recursive: true })
        file = await open(target, 'w', current.mode || 0o644)
        stats.files++
        break
      case '5':
        await mkdir(target, { recursive: true, mode: current.mode || 0o755 })
        break
      case '2':
        await mkdir(dirname(target), { recursive: true })
        await rm(target, { force: true })
        await symlink(current.linkname, target)
        break
      case '1':
        await mkdir(dirname(target), { recursive: true })
        await rm(target, { force: true })
        await link(safePath(root, current.linkname), target)
        break
      default:
        // Devices, FIFOs and the like have no place in an image archive: skip their data, if any.
        break
    }
  }

  const finishEntry = async (): Promise<void> => {
    if (file) {
      await file.close()
      file = undefined
    }
    if (meta && entry) {
      const data = Buffer.concat(meta)
      if (entry.type === 'x') pax = parsePax(data)
      else if (entry.type === 'L') longName = readString(data, 0, data.length)
      else if (entry.type === 'K') longLink = readString(data, 0, data.length)
      meta = undefined
    }
    entry = undefined
  }

  try {
    for await (const chunk of source) {
      const data = typeof chunk === 'string' ? Buffer.from(chunk) : chunk
      // Only a partial header is ever left over between chunks: data is written from the chunk itself.
      pending = pending.length ? Buffer.concat([pending, data]) : data
      let at = 0
      while (at < pending.length && !ended) {
        if (entry && remaining > 0) {
          const take = Math.min(remaining, pending.length - at)
          const piece = pending.subarray(at, at + take)
          if (file) {
            await file.write(piece)
            stats.bytes += take
          } else if (meta) {
            meta.push(Buffer.from(piece))
          }
          remaining -= take
          at += take
          continue
        }
        if (entry && padding > 0) {
          const skip = Math.min(padding, pending.length - at)
          padding -= skip
          at += skip
          continue
        }
        if (entry) await finishEntry()
        if (pending.length - at < BLOCK) break
        const header = pending.subarray(at, at + BLOCK)
        at += BLOCK
        if (header.every(b => b === 0)) {
          // The end-of-archive marker; whatever follows (the second zero block, padding) is ignored.
          ended = true
          break
        }
        await startEntry(header)
      }
      pending = pending.subarray(at)
      if (ended) break
    }
    if (entry && remaining === 0 && padding === 0) await finishEntry()
    if (entry || (!ended && pending.length)) throw new Error('tar archive ends in the middle of an entry')
  } finally {
    await file?.close()
  }
  return stats
}

// ---------------------------------------------------------------------------------------------
// Writing

function writeString(block: Buffer, offset: number, length: number, value: string): void {
  block.write(value, offset, Math.min(length, Buffer.byteLength(value)), 'utf8')
}

function writeOctal(block: Buffer, offset: number, length: number, value: number): void {
  block.write(value.toString(8).padStart(length - 1, '0') + '\0', offset, length, 'latin1')
}

/** One PAX record; its length field counts itself, so it is found by iteration. */
function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`
  let length = Buffer.byteLength(body) + 1
  while (String(length).length + Buffer.byteLength(body) !== length) length = String(length).length + Buffer.byteLength(body)
  return `${length}${body}`
}

function header(name: string, type: string, size: number, mode: number, mtime: number, linkname = ''): Buffer {
  const block = Buffer.alloc(BLOCK)
  writeString(block, 0, 100, name)
  writeOctal(block, 100, 8, mode)
  writeOctal(block, 108, 8, 0)
  writeOctal(block, 116, 8, 0)
  writeOctal(block, 124, 12, size)
  writeOctal(block, 136, 12, mtime)
  block.fill(0x20, 148, 156)
  block.write(type, 156, 1, 'latin1')
  writeString(block, 157, 100, linkname)
  block.write('ustar\0', 257, 6, 'latin1')
  block.write('00', 263, 2, 'latin1')
  writeString(block, 265, 32, 'root')
  writeString(block, 297, 32, 'root')
  writeOctal(block, 148, 7, checksumOf(block))
  return block
}

function padTo(size: number): Buffer {
  return Buffer.alloc((BLOCK - (size % BLOCK)) % BLOCK)
}

/** Header blocks for one entry: a PAX record first when a name, link or size does not fit ustar. */
export function entryHeaders(name: string, type: string, size: number, mode: number, mtime: number, linkname = ''): Buffer[] {
  const records: string[] = []
  if (Buffer.byteLength(name) > 100) records.push(paxRecord('path', name))
  if (Buffer.byteLength(linkname) > 100) records.push(paxRecord('linkpath', linkname))
  if (size > USTAR_MAX_SIZE) records.push(paxRecord('size', String(size)))
  const blocks: Buffer[] = []
  if (records.length) {
    const data = Buffer.from(records.join(''))
    blocks.push(header('PaxHeader', 'x', data.length, 0o644, mtime), data, padTo(data.length))
  }
  blocks.push(header(name.slice(0, 100), type, size > USTAR_MAX_SIZE ? 0 : size, mode, mtime, linkname.slice(0, 100)))
  return blocks
}

async function* walk(root: string, dir: string, skip: Set<string>, first: string[]): AsyncGenerator<string> {
  const names = (await readdir(dir)).sort((a, b) => {
    // Top-level index files first, so a reader that streams (containerd's importer) meets them early.
    const ra = dir === root && first.includes(a) ? first.indexOf(a) : first.length
    const rb = dir === root && first.includes(b) ? first.indexOf(b) : first.length
    return ra - rb || (a < b ? -1 : a > b ? 1 : 0)
  })
  for (const name of names) {
    const path = join(dir, name)
    const rel = relative(root, path).split(sep).join('/')
    if (skip.has(rel)) continue
    yield path
    if ((await lstat(path)).isDirectory()) yield* walk(root, path, skip, first)
  }
}

/** Files Docker's save layouts put at the top (legacy and OCI); packed first, in this order. */
const INDEX_FILES = ['manifest.json', 'index.json', 'oci-layout', 'repositories']

async function* packEntries(dir: string, skip: Set<string>, stats: TarStats): AsyncGenerator<Buffer> {
  const root = resolve(dir)
  for await (const path of walk(root, root, skip, INDEX_FILES)) {
    const rel = relative(root, path).split(sep).join('/')
    const info = await lstat(path)
    const mtime = Math.floor(info.mtimeMs / 1000)
    const mode = info.mode & 0o7777
    if (info.isDirectory()) {
      yield* entryHeaders(`${rel}/`, '5', 0, mode, mtime)
    } else if (info.isSymbolicLink()) {
      yield* entryHeaders(rel, '2', 0, mode, mtime, await readlink(path))
    } else if (info.isFile()) {
      yield* entryHeaders(rel, '0', info.size, mode, mtime)
      let written = 0
      for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 })) {
        written += (chunk as Buffer).length
        yield chunk as Buffer
      }
      if (written !== info.size) throw new Error(`${rel} changed size while it was being packed`)
      stats.files++
      stats.bytes += written
      yield padTo(written)
    }
  }
  yield Buffer.alloc(2 * BLOCK)
}

/**
 * A tar stream of the directory's contents (paths relative to it), skipping the given top-level names.
 * `stats` fills in as the stream is consumed.
 */
export function packDirectory(dir: string, options: { skip?: string[]; stats?: TarStats } = {}): Readable {
  const stats = options.stats ?? { files: 0, bytes: 0 }
  return Readable.from(packEntries(dir, new Set(options.skip ?? []), stats), { objectMode: false, highWaterMark: 4 * 1024 * 1024 })
}
