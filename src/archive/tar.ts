// The one tar reader and writer of the action, streamed in both directions:
// - extractTar: a tar stream (`docker save`, a container copy, a node's `tar -chf - /var/log`) → a directory;
// - packDirectory / entryHeaders: a directory → a tar stream (for `docker load`).
// Written here rather than taken from npm because the format subset is small and fixed (regular files,
// directories, symlinks, hard links; ustar headers with PAX records and GNU long names, which GNU tar,
// busybox and Go's archive/tar — Docker's writer — emit), because both directions must stream with
// backpressure, and because the policy matters more than the format and no library decides it for us:
// names that climb out of the target (`..`, absolute paths) are never written, nothing is ever written
// through a symbolic link, and a caller may cap each file and the whole tree while streaming.
// This module is a low layer: it imports nothing of the action's; callers choose their policy with
// ExtractOptions (the image cache and kubectl take the defaults, the log export its own, see logs/tar.ts).
import { createReadStream } from 'node:fs'
import { link, lstat, mkdir, open, readdir, readlink, rm, symlink, type FileHandle } from 'node:fs/promises'
import { join, relative, resolve, sep } from 'node:path'
import { Readable } from 'node:stream'

const BLOCK = 512
/** The largest size a ustar header's 11 octal digits hold; larger files get a PAX size record. */
const USTAR_MAX_SIZE = 0o77777777777

/** A byte stream (a Docker response, a docker exec's stdout), or bytes already at hand. */
export type TarSource = AsyncIterable<Buffer | string | Uint8Array> | Iterable<Buffer> | Buffer

export interface TarStats {
  files: number
  /** Bytes of file content written (not counting headers and padding; truncation notes included). */
  bytes: number
}

export interface ExtractReport extends TarStats {
  directories: number
  /** Entries that were not written, each with the reason (type, size cap, write error). */
  skipped: string[]
  /** Files that kept only their tail. */
  truncated: string[]
  /** Entries refused because their name would leave the target directory (problems: 'report' only). */
  refused: string[]
}

export interface ExtractLimits {
  /** Bytes kept of one file; a longer file keeps its last bytes, after a note saying so. */
  maxFileBytes: number
  /** Bytes written for the whole archive; files past it are skipped and listed. */
  maxTotalBytes: number
  /** The note written first in a file that keeps only its last `kept` of `total` bytes. */
  truncationNote(kept: number, total: number): string
  /** Why a file of `size` bytes was skipped once the tree reached maxTotalBytes. */
  totalReached(size: number, maxTotalBytes: number): string
}

export interface ExtractOptions {
  /** Write symbolic and hard links (default true); when false they are skipped and listed in the report. */
  links?: boolean
  /** Give files and directories the mode bits of their entries (default true); when false, the defaults. */
  modes?: boolean
  /**
   * What an unsafe name (absolute, climbing out with `..`, or through a symbolic link), an entry that
   * cannot be written, or an archive that ends early does: 'throw' (default) rejects; 'report' lists
   * the entry in report.refused or report.skipped, goes on, and keeps what came of a cut-short archive.
   * Bytes that are not a tar archive at all reject in both.
   */
  problems?: 'throw' | 'report'
  /** Caps on what is written (default none). */
  limits?: ExtractLimits
  /** Rewrites each component of a safe name (e.g. characters a later consumer refuses). */
  rename?: (part: string) => string
  /** Read the source to its end before returning, so that its producer can finish (default: close it). */
  drain?: boolean
}

// ---------------------------------------------------------------------------------------------
// Reading

/** Reads exactly the bytes asked for from a byte source, keeping what is left over. */
class ByteReader {
  private pending: Buffer[] = []
  private available = 0
  private done = false
  private readonly iterator: AsyncIterator<Buffer | string | Uint8Array>

  constructor(source: TarSource) {
    if (Buffer.isBuffer(source)) source = [source]
    this.iterator =
      Symbol.asyncIterator in source
        ? source[Symbol.asyncIterator]()
        : (async function* () {
            yield* source
          })()
  }

  /** Bytes pulled from the source and not yet taken. */
  get buffered(): number {
    return this.available
  }

  /** Pulls until `n` bytes are buffered or the source ends; returns how many are buffered. */
  private async fill(n: number): Promise<number> {
    while (this.available < n && !this.done) {
      const next = await this.iterator.next()
      if (next.done) {
        this.done = true
        break
      }
      const chunk = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value)
      if (chunk.length) {
        this.pending.push(chunk)
        this.available += chunk.length
      }
    }
    return this.available
  }

  /** Takes up to `n` buffered bytes (at least one if any are left); an empty buffer means the end. */
  private async take(n: number): Promise<Buffer> {
    if ((await this.fill(1)) === 0) return Buffer.alloc(0)
    const first = this.pending[0]
    if (first.length <= n) {
      this.pending.shift()
      this.available -= first.length
      return first
    }
    this.pending[0] = first.subarray(n)
    this.available -= n
    return first.subarray(0, n)
  }

  /** Exactly `n` bytes, or undefined when the source ended first (a truncated archive). */
  async read(n: number): Promise<Buffer | undefined> {
    if ((await this.fill(n)) < n) return undefined
    const parts: Buffer[] = []
    let left = n
    while (left > 0) {
      const part = await this.take(left)
      parts.push(part)
      left -= part.length
    }
    return parts.length === 1 ? parts[0] : Buffer.concat(parts, n)
  }

  /** Streams `n` bytes to `sink` (or drops them when there is none); false when the source ended first. */
  async forward(n: number, sink?: (chunk: Buffer) => Promise<void>): Promise<boolean> {
    let left = n
    while (left > 0) {
      const part = await this.take(Math.min(left, 1 << 20))
      if (!part.length) return false
      if (sink) await sink(part)
      left -= part.length
    }
    return true
  }

  /** Reads the source to its end, so that the producer (a docker exec) can finish. */
  async drain(): Promise<void> {
    this.pending = []
    this.available = 0
    while (!this.done) {
      const next = await this.iterator.next()
      if (next.done) this.done = true
    }
  }

  /** Stops reading: the source is told so (a stream is destroyed), as a `for await` that breaks does. */
  async close(): Promise<void> {
    this.pending = []
    this.available = 0
    if (!this.done) {
      this.done = true
      await this.iterator.return?.()
    }
  }
}

/** A NUL-terminated (or field-long) header text field. */
function readString(block: Buffer, offset: number, length: number): string {
  const field = block.subarray(offset, offset + length)
  const end = field.indexOf(0)
  return field.subarray(0, end === -1 ? field.length : end).toString('utf8')
}

/** A numeric header field: octal text, or GNU base-256 when the high bit of the first byte is set. */
function readNumber(block: Buffer, offset: number, length: number): number {
  if (block[offset] & 0x80) {
    let value = block[offset] & 0x7f
    for (let i = 1; i < length; i++) value = value * 256 + block[offset + i]
    return value
  }
  const digits = readString(block, offset, length).trim()
  return digits ? Number.parseInt(digits, 8) : 0
}

/** The header checksum: the bytes summed, with the checksum field itself counted as spaces. */
function checksumOf(block: Buffer): number {
  let sum = 0
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : block[i]
  return sum
}

/** PAX extended header records: "<length> <key>=<value>\n" repeated; reading stops at a malformed one. */
export function parsePax(data: Buffer): Record<string, string> {
  const records: Record<string, string> = {}
  let offset = 0
  while (offset < data.length) {
    const space = data.indexOf(0x20, offset)
    if (space === -1) break
    const length = Number.parseInt(data.subarray(offset, space).toString('ascii'), 10)
    if (!Number.isInteger(length) || length <= 0 || offset + length > data.length) break
    const record = data.subarray(space + 1, offset + length - 1).toString('utf8')
    const eq = record.indexOf('=')
    if (eq > 0) records[record.slice(0, eq)] = record.slice(eq + 1)
    offset += length
  }
  return records
}

/**
 * The relative path an entry may be written to ('' for the target itself), or undefined when its name
 * is absolute or has a `..` component anywhere: such names are refused, never rewritten, so a hostile
 * archive cannot place files anywhere. `rename` rewrites each remaining component.
 */
export function entryPath(name: string, rename: (part: string) => string = part => part): string | undefined {
  if (name.startsWith('/')) return undefined
  const parts: string[] = []
  for (const part of name.split('/')) {
    if (part === '' || part === '.') continue
    if (part === '..') return undefined
    parts.push(rename(part))
  }
  return parts.join('/')
}

const TYPE_NAMES: Record<string, string> = {
  '1': 'hard link',
  '2': 'symbolic link',
  '3': 'character device',
  '4': 'block device',
  '6': 'FIFO',
  S: 'GNU sparse file',
  V: 'volume label',
  M: 'multi-volume continuation'
}

/** An entry refused for its name (or its way through a symbolic link). */
class UnsafeEntry extends Error {
  constructor(readonly entry: string, reason = 'points outside the target directory') {
    super(`tar entry ${JSON.stringify(entry)} ${reason}`)
  }
}

/**
 * Unpacks a tar stream into `dir` (created if missing). Resolves once every file is written and closed.
 * With the default options (the image cache's and kubectl's) it writes files, directories and links
 * with their modes and rejects on an unsafe name, an unwritable entry or a cut-short archive; see
 * ExtractOptions for the log export's policy. Always rejects on bytes that are not a tar archive.
 */
export async function extractTar(source: TarSource, dir: string, options: ExtractOptions = {}): Promise<ExtractReport> {
  const { links = true, modes = true, problems = 'throw', limits, rename, drain = false } = options
  const report: ExtractReport = { files: 0, directories: 0, bytes: 0, skipped: [], truncated: [], refused: [] }
  const root = resolve(dir)
  await mkdir(root, { recursive: true })
  const reader = new ByteReader(source)
  // Directories under root known to be real directories (not symbolic links), relative, '' for root.
  const real = new Set<string>([''])

  /** Refuses a path whose parent directories (those that exist) include a symbolic link. */
  const checkParents = async (path: string, entry: string): Promise<void> => {
    const parts = path.split('/')
    for (let i = 1; i < parts.length; i++) {
      const parent = parts.slice(0, i).join('/')
      if (real.has(parent)) continue
      const info = await lstat(join(root, parent)).catch(() => undefined)
      if (!info) return // nothing below exists yet: mkdir makes real directories
      if (info.isSymbolicLink()) throw new UnsafeEntry(entry, 'would be written through a symbolic link')
      if (info.isDirectory()) real.add(parent)
    }
  }
  /** The absolute path of a safe relative path, or an UnsafeEntry. */
  const target = async (path: string | undefined, entry: string): Promise<string> => {
    const absolute = path === undefined ? undefined : resolve(root, path)
    if (absolute === undefined || (absolute !== root && !absolute.startsWith(root + sep))) throw new UnsafeEntry(entry)
    await checkParents(path!, entry)
    return absolute
  }
  const cutShort = (): void => {
    if (problems === 'throw') throw new Error('tar archive ends in the middle of an entry')
  }

  let longName: string | undefined
  let longLink: string | undefined
  let pax: Record<string, string> = {}
  try {
    for (;;) {
      const header = await reader.read(BLOCK)
      if (!header) {
        // A tar without its end-of-archive blocks: keep what came, unless a header was cut short.
        if (reader.buffered > 0) cutShort()
        break
      }
      if (header.every(b => b === 0)) break // end of archive; what follows (the second zero block) is ignored
      if (checksumOf(header) !== readNumber(header, 148, 8)) throw new Error('the stream is not a tar archive (bad header checksum)')

      const type = String.fromCharCode(header[156] || 0x30)
      const ustar = header.subarray(257, 265).toString('latin1') === 'ustar\u000000'
      const prefix = ustar ? readString(header, 345, 155) : ''
      const base = readString(header, 0, 100)
      const name = pax.path ?? longName ?? (prefix ? `${prefix}/${base}` : base)
      const linkname = pax.linkpath ?? longLink ?? readString(header, 157, 100)
      const size = pax.size !== undefined ? Number(pax.size) : readNumber(header, 124, 12)
      const mode = modes ? readNumber(header, 100, 8) & 0o7777 : 0
      const padded = Math.ceil(size / BLOCK) * BLOCK

      // Headers that describe the next entry.
      if (type === 'L' || type === 'x' || type === 'g' || type === 'K') {
        const data = await reader.read(padded)
        if (!data) {
          cutShort()
          break
        }
        if (type === 'L') longName = readString(data, 0, size)
        if (type === 'K') longLink = readString(data, 0, size)
        if (type === 'x') pax = { ...pax, ...parsePax(data.subarray(0, size)) }
        // 'g' (global pax) changes nothing we write.
        continue
      }
      longName = undefined
      longLink = undefined
      pax = {}

      const path = entryPath(name, rename)
      /** Skips the entry's data; false when the archive ended first. */
      const skipData = async (): Promise<boolean> => {
        if (await reader.forward(padded)) return true
        cutShort()
        return false
      }
      /** An entry that cannot be written: rejects, or lists it and skips its data. */
      const problem = async (error: unknown): Promise<boolean> => {
        if (problems === 'throw') throw error
        if (error instanceof UnsafeEntry) report.refused.push(error.entry)
        else report.skipped.push(`${path || '.'} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`)
        return skipData()
      }

      let at: string
      try {
        at = await target(path, name)
      } catch (error) {
        if (!(await problem(error))) break
        continue
      }
      const rel = path!
      const writable = type === '0' || type === '7' || type === '5' || (links && (type === '1' || type === '2'))
      if (!writable || (!rel && type !== '5')) {
        report.skipped.push(`${rel || '.'} (${TYPE_NAMES[type] ?? `entry type ${JSON.stringify(type)}`})`)
        if (!(await skipData())) break
        continue
      }
      if (type === '5') {
        try {
          await mkdir(at, modes ? { recursive: true, mode: mode || 0o755 } : { recursive: true })
        } catch (error) {
          if (!(await problem(error))) break
          continue
        }
        report.directories++
        if (!(await skipData())) break
        continue
      }
      if (type === '1' || type === '2') {
        try {
          const from = type === '1' ? await target(entryPath(linkname), linkname) : undefined
          await mkdir(join(at, '..'), { recursive: true })
          await rm(at, { force: true })
          if (from) await link(from, at)
          else await symlink(linkname, at)
        } catch (error) {
          if (!(await problem(error))) break
          continue
        }
        if (!(await skipData())) break
        continue
      }

      // A regular file.
      const budget = limits ? limits.maxTotalBytes - report.bytes : Infinity
      if (limits && budget <= 0) {
        report.skipped.push(`${rel} (${limits.totalReached(size, limits.maxTotalBytes)})`)
        if (!(await skipData())) break
        continue
      }
      const keep = limits ? Math.min(size, limits.maxFileBytes, budget) : size
      let file: FileHandle
      try {
        await mkdir(join(at, '..'), { recursive: true })
        // An earlier entry's symbolic link at this name would be followed by open: never write through it.
        if ((await lstat(at).catch(() => undefined))?.isSymbolicLink()) throw new UnsafeEntry(name, 'would be written through a symbolic link')
        file = await (modes ? open(at, 'w', mode || 0o644) : open(at, 'w'))
      } catch (error) {
        if (!(await problem(error))) break
        continue
      }
      let complete: boolean
      try {
        if (keep < size) {
          const note = Buffer.from(limits!.truncationNote(keep, size))
          await file.write(note)
          report.bytes += note.length
          report.truncated.push(rel)
        }
        complete = await reader.forward(size - keep)
        complete = complete && (await reader.forward(keep, async chunk => void (await file.write(chunk))))
        report.bytes += keep
      } finally {
        await file.close()
      }
      report.files++
      if (!complete || !(await reader.forward(padded - size))) {
        cutShort()
        break
      }
    }
  } finally {
    // A docker exec only finishes once its output is read; a source that failed has nothing more to
    // give, and its own error is the one worth reporting. Other sources are just closed.
    await (drain ? reader.drain() : reader.close()).catch(() => undefined)
  }
  return report
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
