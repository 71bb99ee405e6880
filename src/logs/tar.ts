// A streaming tar reader for one job: unpacking the /var/log tree that a node sends as
// `tar --hard-dereference -chf - .`, the way kind's export does (kind-spec §6.1): only regular files and
// directories are written; links, devices and FIFOs are skipped. Written here rather than taken from
// tar-stream because what matters is policy that no library decides for us — refuse names that climb out
// of the target (`..`, absolute paths), cap each file and the whole tree while streaming, keep the tail of
// an oversized log — and the format subset a GNU or busybox tar produces is small: ustar headers, GNU
// long names (type L) and pax records (type x) for long paths and sizes.
import { mkdir, open, type FileHandle } from 'node:fs/promises'
import { join, resolve, sep } from 'node:path'
import { formatBytes, truncationNote } from './limits.js'

const BLOCK = 512

/** A byte stream (a docker exec's stdout), or bytes already at hand. */
export type TarSource = AsyncIterable<Buffer | string | Uint8Array> | Iterable<Buffer> | Buffer

export interface ExtractLimits {
  /** Bytes kept of one file; a longer file keeps its last bytes, after a note saying so. */
  maxFileBytes: number
  /** Bytes written for the whole archive; files past it are skipped and listed. */
  maxTotalBytes: number
}

export interface ExtractReport {
  files: number
  directories: number
  /** Bytes written to disk, notes included. */
  bytes: number
  /** Entries that were not written, each with the reason (type, size cap, unsafe name). */
  skipped: string[]
  /** Files that kept only their tail. */
  truncated: string[]
  /** Entries refused because their name would leave the target directory. */
  refused: string[]
}

/** Reads exactly the bytes asked for from an async byte source, keeping what is left over. */
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
}

function text(header: Buffer, start: number, length: number): string {
  const field = header.subarray(start, start + length)
  const end = field.indexOf(0)
  return field.subarray(0, end === -1 ? length : end).toString('utf8')
}

/** A numeric header field: octal text, or GNU base-256 when the high bit of the first byte is set. */
function number(header: Buffer, start: number, length: number): number {
  const field = header.subarray(start, start + length)
  if (field[0] & 0x80) {
    let value = field[0] & 0x7f
    for (let i = 1; i < field.length; i++) value = value * 256 + field[i]
    return value
  }
  const digits = text(header, start, length).trim()
  return digits ? Number.parseInt(digits, 8) : 0
}

function checksumOk(header: Buffer): boolean {
  let sum = 0
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : header[i]
  return sum === number(header, 148, 8)
}

/** pax extended header records: "<length> <key>=<value>\n", repeated. */
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

/** Characters the artifact service refuses in a file path (@actions/artifact validateFilePath). */
const UNSAFE_FOR_ARTIFACTS = /[":<>|*?\r\n\\]/g

/**
 * The relative path an entry may be written to, or undefined when its name is absolute or climbs out
 * with `..`: such names are refused, never rewritten, so a hostile archive cannot place files anywhere.
 */
export function safeEntryPath(name: string): string | undefined {
  if (name.startsWith('/')) return undefined
  const parts: string[] = []
  for (const part of name.split('/')) {
    if (part === '' || part === '.') continue
    if (part === '..') return undefined
    parts.push(part.replace(UNSAFE_FOR_ARTIFACTS, '_'))
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

/**
 * Unpacks a tar stream into `target` (created if needed). Never throws for what is inside the archive —
 * problems are listed in the report — but throws when the bytes are not a tar archive at all.
 */
export async function extractTar(
  source: TarSource,
  target: string,
  limits: ExtractLimits
): Promise<ExtractReport> {
  const report: ExtractReport = { files: 0, directories: 0, bytes: 0, skipped: [], truncated: [], refused: [] }
  const root = resolve(target)
  await mkdir(root, { recursive: true })
  const reader = new ByteReader(source)
  let longName: string | undefined
  let pax: Record<string, string> = {}
  try {
    for (;;) {
      const header = await reader.read(BLOCK)
      if (!header) break // tar without its end-of-archive blocks: keep what came
      if (header.every(b => b === 0)) break // end of archive
      if (!checksumOk(header)) throw new Error('the stream is not a tar archive (bad header checksum)')

      const type = String.fromCharCode(header[156] || 0x30)
      const ustar = header.subarray(257, 265).toString('latin1') === 'ustar\u000000'
      const prefix = ustar ? text(header, 345, 155) : ''
      let name = longName ?? pax.path ?? (prefix ? `${prefix}/${text(header, 0, 100)}` : text(header, 0, 100))
      const size = pax.size !== undefined ? Number(pax.size) : number(header, 124, 12)
      const padded = Math.ceil(size / BLOCK) * BLOCK

      // Headers that describe the next entry.
      if (type === 'L' || type === 'x' || type === 'g' || type === 'K') {
        const data = await reader.read(padded)
        if (!data) break
        if (type === 'L') longName = text(data, 0, size)
        if (type === 'x') pax = { ...pax, ...parsePax(data.subarray(0, size)) }
        // 'g' (global pax) and 'K' (long link target) change nothing we write.
        continue
      }
      longName = undefined
      pax = {}

      const relative = safeEntryPath(name)
      if (relative === undefined) {
        report.refused.push(name)
        if (!(await reader.forward(padded))) break
        continue
      }
      name = relative
      if (type === '5') {
        if (name) await mkdir(join(root, name), { recursive: true })
        report.directories++
        if (!(await reader.forward(padded))) break
        continue
      }
      if (!(type === '0' || type === '7') || !name) {
        report.skipped.push(`${name || '.'} (${TYPE_NAMES[type] ?? `entry type ${JSON.stringify(type)}`})`)
        if (!(await reader.forward(padded))) break
        continue
      }
      const budget = limits.maxTotalBytes - report.bytes
      if (budget <= 0) {
        report.skipped.push(`${name} (${formatBytes(size)}: the ${formatBytes(limits.maxTotalBytes)} limit for this tree was reached)`)
        if (!(await reader.forward(padded))) break
        continue
      }
      const keep = Math.min(size, limits.maxFileBytes, budget)
      const path = join(root, name)
      if (!path.startsWith(root + sep)) {
        report.refused.push(name)
        if (!(await reader.forward(padded))) break
        continue
      }
      let file: FileHandle
      try {
        await mkdir(join(path, '..'), { recursive: true })
        file = await open(path, 'w')
      } catch (error) {
        // E.g. a file where an earlier entry made a directory: skip this entry, keep reading the rest.
        report.skipped.push(`${name} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`)
        if (!(await reader.forward(padded))) break
        continue
      }
      let complete: boolean
      try {
        if (keep < size) {
          const note = Buffer.from(truncationNote(keep, size))
          await file.write(note)
          report.bytes += note.length
          report.truncated.push(name)
        }
        complete = await reader.forward(size - keep)
        complete = complete && (await reader.forward(keep, async chunk => void (await file.write(chunk))))
        report.bytes += keep
      } finally {
        await file.close()
      }
      report.files++
      if (!complete || !(await reader.forward(padded - size))) break
    }
  } finally {
    // The producer (a docker exec) only finishes once its output is read; a source that failed has
    // nothing more to give, and its own error is the one worth reporting.
    await reader.drain().catch(() => undefined)
  }
  return report
}
