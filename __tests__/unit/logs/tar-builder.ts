// Hand-made tar archives for the reader's tests: the entries no well-behaved tar writes (names that
// climb out with ../, bad checksums, base-256 sizes, archives cut short).
export interface EntryOptions {
  type?: string
  mode?: number
  /** ustar prefix field (names longer than 100 bytes split into prefix/name). */
  prefix?: string
  /** Write the size in GNU base-256 form instead of octal. */
  base256Size?: boolean
  /** Break the header checksum. */
  badChecksum?: boolean
}

export function header(name: string, size: number, options: EntryOptions = {}): Buffer {
  const h = Buffer.alloc(512)
  h.write(name, 0, 100, 'utf8')
  h.write(((options.mode ?? 0o644).toString(8).padStart(7, '0')) + '\0', 100, 'ascii')
  h.write('0000000\0', 108, 'ascii')
  h.write('0000000\0', 116, 'ascii')
  if (options.base256Size) {
    h[124] = 0x80
    let value = size
    for (let i = 135; i > 124; i--) {
      h[i] = value % 256
      value = Math.floor(value / 256)
    }
  } else {
    h.write(size.toString(8).padStart(11, '0') + '\0', 124, 'ascii')
  }
  h.write('00000000000\0', 136, 'ascii')
  h.write(options.type ?? '0', 156, 'ascii')
  h.write('ustar\u0000', 257, 'latin1')
  h.write('00', 263, 'ascii')
  if (options.prefix) h.write(options.prefix, 345, 155, 'utf8')
  h.fill(0x20, 148, 156)
  let sum = 0
  for (const b of h) sum += b
  if (options.badChecksum) sum += 1
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'ascii')
  return h
}

export function entry(name: string, content: string | Buffer = '', options: EntryOptions = {}): Buffer {
  const data = Buffer.isBuffer(content) ? content : Buffer.from(content)
  const padding = Buffer.alloc((512 - (data.length % 512)) % 512)
  return Buffer.concat([header(name, data.length, options), data, padding])
}

/** A pax extended header carrying the given records, for the entry after it. */
export function pax(records: Record<string, string>): Buffer {
  const body = Object.entries(records)
    .map(([k, v]) => {
      const text = ` ${k}=${v}\n`
      let length = text.length + 1
      while (String(length).length + text.length !== length) length = String(length).length + text.length
      return `${length}${text}`
    })
    .join('')
  return entry('PaxHeader', body, { type: 'x' })
}

export function archive(...entries: Buffer[]): Buffer {
  return Buffer.concat([...entries, Buffer.alloc(1024)])
}

/** Feeds a buffer in chunks of the given size, as a socket would. */
export async function* chunks(data: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size)
}
