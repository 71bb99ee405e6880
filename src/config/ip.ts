// IP address and CIDR parsing with the rules of Go's net.ParseIP / net.ParseCIDR, which kind and
// Docker use: we must accept and reject exactly the strings they do, so no dependency and no
// leniency (no leading zeros in IPv4 fields, no zones, no surrounding spaces).

/** An address as 16 bytes; IPv4 addresses are stored IPv4-mapped (::ffff:a.b.c.d), as Go does. */
export type IPBytes = Uint8Array

export interface CIDR {
  /** The network address: the parsed address with the host bits cleared. */
  network: IPBytes
  prefixLength: number
  /** Go's `IP.To4() != nil` on the network address, which is what kind's family checks use. */
  isIPv4: boolean
}

const V4_MAPPED_PREFIX = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff]

function parseIPv4Fields(text: string): number[] | undefined {
  const fields = text.split('.')
  if (fields.length !== 4) return undefined
  const out: number[] = []
  for (const field of fields) {
    if (!/^[0-9]{1,3}$/.test(field)) return undefined
    // Go rejects leading zeros because other parsers read them as octal.
    if (field.length > 1 && field.startsWith('0')) return undefined
    const value = Number(field)
    if (value > 255) return undefined
    out.push(value)
  }
  return out
}

function parseIPv6Groups(text: string): number[] | undefined {
  const halves = text.split('::')
  if (halves.length > 2) return undefined
  const parseSide = (side: string, allowV4Tail: boolean): number[] | undefined => {
    if (side === '') return []
    const parts = side.split(':')
    const groups: number[] = []
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i] ?? ''
      if (allowV4Tail && i === parts.length - 1 && part.includes('.')) {
        const v4 = parseIPv4Fields(part)
        if (v4 === undefined) return undefined
        groups.push(((v4[0] ?? 0) << 8) | (v4[1] ?? 0), ((v4[2] ?? 0) << 8) | (v4[3] ?? 0))
        continue
      }
      if (!/^[0-9a-fA-F]{1,4}$/.test(part)) return undefined
      groups.push(parseInt(part, 16))
    }
    return groups
  }
  if (halves.length === 1) {
    const groups = parseSide(text, true)
    return groups !== undefined && groups.length === 8 ? groups : undefined
  }
  const head = parseSide(halves[0] ?? '', false)
  const tail = parseSide(halves[1] ?? '', true)
  if (head === undefined || tail === undefined) return undefined
  // "::" stands for at least one zero group.
  const missing = 8 - head.length - tail.length
  if (missing < 1) return undefined
  return [...head, ...new Array<number>(missing).fill(0), ...tail]
}

interface ParsedAddress {
  bytes: IPBytes
  /** Whether the text was a dotted IPv4 address (its bit length is 32, not 128). */
  dotted: boolean
}

function parseAddress(text: string): ParsedAddress | undefined {
  if (text.includes(':')) {
    const groups = parseIPv6Groups(text)
    if (groups === undefined) return undefined
    const bytes = new Uint8Array(16)
    groups.forEach((g, i) => {
      bytes[2 * i] = g >> 8
      bytes[2 * i + 1] = g & 0xff
    })
    return { bytes, dotted: false }
  }
  const v4 = parseIPv4Fields(text)
  if (v4 === undefined) return undefined
  return { bytes: Uint8Array.from([...V4_MAPPED_PREFIX, ...v4]), dotted: true }
}

/** Parses an IPv4 or IPv6 address; undefined if Go's net.ParseIP would return nil. */
export function parseIP(text: string): IPBytes | undefined {
  return parseAddress(text)?.bytes
}

export function isIPv4Mapped(bytes: IPBytes): boolean {
  return V4_MAPPED_PREFIX.every((b, i) => bytes[i] === b)
}

/** Go's IP.String(): IPv4(-mapped) addresses dotted, IPv6 in RFC 5952 form. */
export function formatIP(bytes: IPBytes): string {
  if (isIPv4Mapped(bytes)) return Array.from(bytes.subarray(12)).join('.')
  const groups: number[] = []
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0))
  // RFC 5952: compress the longest run of two or more zero groups, the first one on a tie.
  let bestStart = -1
  let bestLength = 1
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++
      continue
    }
    let j = i
    while (j < 8 && groups[j] === 0) j++
    if (j - i > bestLength) {
      bestStart = i
      bestLength = j - i
    }
    i = j
  }
  const hex = (gs: number[]): string => gs.map((g) => g.toString(16)).join(':')
  if (bestStart < 0) return hex(groups)
  return `${hex(groups.slice(0, bestStart))}::${hex(groups.slice(bestStart + bestLength))}`
}

/** Parses "address/prefix"; undefined if Go's net.ParseCIDR would fail. Host bits may be set. */
export function parseCIDR(text: string): CIDR | undefined {
  const slash = text.indexOf('/')
  if (slash < 0) return undefined
  const address = parseAddress(text.slice(0, slash))
  const prefixText = text.slice(slash + 1)
  if (address === undefined || !/^[0-9]+$/.test(prefixText)) return undefined
  const prefixLength = Number(prefixText)
  const bitLength = address.dotted ? 32 : 128
  if (prefixLength > bitLength) return undefined
  const maskedBits = address.dotted ? 96 + prefixLength : prefixLength
  const network = address.bytes.map((byte, i) => {
    const keep = Math.max(0, Math.min(8, maskedBits - 8 * i))
    return byte & ((0xff << (8 - keep)) & 0xff)
  })
  // A dotted address keeps its IPv4-mapped prefix (Go masks only its last 4 bytes); an IPv6
  // text is IPv4 only if the masked network still looks IPv4-mapped, as Go's To4() decides.
  if (address.dotted) network.set(V4_MAPPED_PREFIX, 0)
  return { network, prefixLength, isIPv4: address.dotted || isIPv4Mapped(network) }
}
