// Cache keys for images, derived without asking a registry, so that a restore can start before any pull.
// - A reference pinned by digest (kindest/node:v1.35.5@sha256:…) is keyed by that digest: the key is
//   exact before the image is on the host, and content-addressed, so it never goes stale.
// - A tag-only reference can only be keyed by what it resolved to: the image ID. The key is known after
//   a pull (when post saves); a restore looks the tag up by prefix and gets the newest entry for it.
// Both carry the daemon's platform (a linux/arm64 runner never restores a linux/amd64 image) and a
// format version, bumped whenever the entry layout changes so old entries are simply never matched.

/** Layout version of a cache entry (docker-save directory + metadata file). */
export const CACHE_FORMAT_VERSION = 1
const KEY_PREFIX = `kind-action-image-v${CACHE_FORMAT_VERSION}`
/** Separate namespace, so a prefix lookup for an image can never match a verdict entry. */
const VERDICT_PREFIX = `kind-action-image-verdict-v${CACHE_FORMAT_VERSION}`

export interface ImageRef {
  /** Fully qualified repository: docker.io/kindest/node. */
  repository: string
  tag?: string
  /** sha256:<64 hex> when the reference is pinned. */
  digest?: string
}

export interface Platform {
  os: string
  arch: string
}

const DIGEST = /^sha256:[0-9a-f]{64}$/

/** Parses a Docker image reference the way the Engine normalises it (docker.io/library/ defaults). */
/** The repository of a reference as written (kindest/node, not docker.io/kindest/node), as `docker tag` takes it. */
export function tagRepository(ref: string): string {
  const at = ref.indexOf('@')
  const noDigest = at === -1 ? ref : ref.slice(0, at)
  const slash = noDigest.lastIndexOf('/')
  const colon = noDigest.lastIndexOf(':')
  return colon > slash ? noDigest.slice(0, colon) : noDigest
}

export function parseImageRef(ref: string): ImageRef {
  let rest = ref.trim()
  let digest: string | undefined
  const at = rest.indexOf('@')
  if (at !== -1) {
    digest = rest.slice(at + 1)
    rest = rest.slice(0, at)
    if (!DIGEST.test(digest)) throw new Error(`image reference ${ref}: "${digest}" is not a sha256 digest`)
  }
  let tag: string | undefined
  const lastSlash = rest.lastIndexOf('/')
  const colon = rest.lastIndexOf(':')
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1)
    rest = rest.slice(0, colon)
  }
  if (!rest || /[\s,]/.test(rest) || (tag !== undefined && !/^[\w][\w.-]{0,127}$/.test(tag))) {
    throw new Error(`image reference ${JSON.stringify(ref)} is not valid`)
  }
  const parts = rest.split('/')
  const hasRegistry = parts.length > 1 && (parts[0].includes('.') || parts[0].includes(':') || parts[0] === 'localhost')
  let repository = hasRegistry ? rest : `docker.io/${rest}`
  if (!hasRegistry && parts.length === 1) repository = `docker.io/library/${rest}`
  if (!digest && tag === undefined) tag = 'latest'
  return { repository, ...(tag !== undefined ? { tag } : {}), ...(digest ? { digest } : {}) }
}

/** Docker's `Architecture` from /info (uname -m) → the OCI architecture name. */
export function ociArch(machine: string): string {
  const map: Record<string, string> = {
    x86_64: 'amd64',
    amd64: 'amd64',
    aarch64: 'arm64',
    arm64: 'arm64',
    armv7l: 'arm',
    armhf: 'arm',
    i386: '386',
    i686: '386',
    ppc64le: 'ppc64le',
    s390x: 's390x',
    riscv64: 'riscv64'
  }
  return map[machine] ?? machine
}

/** The daemon's platform from the raw /info document. */
export function platformOf(info: unknown): Platform {
  const raw = (info ?? {}) as { OSType?: string; Architecture?: string }
  return { os: (raw.OSType || 'linux').toLowerCase(), arch: ociArch(raw.Architecture || 'amd64') }
}

export interface ImageKeys {
  /** The key to look up first; for a digest reference, the exact key the entry is saved under. */
  lookup: string
  /** Prefixes tried after it (tag-only references). */
  restoreKeys: string[]
  /** Whether `lookup` is a prefix to be completed by the image ID when saving. */
  byTag: boolean
  /** A short stable name for the entry's directory: the same when restoring and saving. */
  slug: string
}

function base(platform: Platform): string {
  return `${KEY_PREFIX}-${platform.os}-${platform.arch}`
}

/** A short hex hash, for directory names (FNV-1a, 2 × 32 bit; collisions only cost a cache miss). */
export function shortHash(text: string): string {
  let h1 = 0x811c9dc5
  let h2 = 0x01000193 ^ 0x5bd1e995
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    h1 = Math.imul(h1 ^ c, 0x01000193) >>> 0
    h2 = Math.imul(h2 ^ c, 0x5bd1e995) >>> 0
  }
  return h1.toString(16).padStart(8, '0') + h2.toString(16).padStart(8, '0')
}

/** The service refuses longer keys. */
const MAX_KEY_LENGTH = 512
const IMAGE_ID_LENGTH = 'sha256:'.length + 64

/** The reference part of a key; "#" ends a tag so that the prefix for tag v1 never matches tag v10. */
function keyName(r: ImageRef, platform: Platform): string {
  const full = r.digest ? `${r.repository}@${r.digest}` : `${r.repository}:${r.tag}#`
  const room = MAX_KEY_LENGTH - base(platform).length - 1 - (r.digest ? 0 : IMAGE_ID_LENGTH)
  if (full.length <= room) return full
  // Too long for the service: a readable head, then a hash of the whole name.
  const tail = r.digest ? `@${r.digest}` : '#'
  const hash = `~${shortHash(full)}`
  return `${full.slice(0, room - hash.length - tail.length)}${hash}${tail}`
}

/** Keys to restore `ref` with, computed before the image is on the host. */
export function restoreKeys(ref: string, platform: Platform): ImageKeys {
  const r = parseImageRef(ref)
  const slug = `${platform.os}-${platform.arch}-${shortHash(r.digest ? `${r.repository}@${r.digest}` : `${r.repository}:${r.tag}`)}`
  const lookup = `${base(platform)}-${keyName(r, platform)}`
  if (r.digest) return { lookup, restoreKeys: [], byTag: false, slug }
  return { lookup, restoreKeys: [lookup], byTag: true, slug }
}

/** The key an image is saved under, once its image ID is known. */
export function saveKey(ref: string, platform: Platform, imageId: string): string {
  const keys = restoreKeys(ref, platform)
  if (!keys.byTag) return keys.lookup
  if (!DIGEST.test(imageId)) throw new Error(`image ID ${imageId} is not a sha256 digest`)
  return `${keys.lookup}${imageId}`
}

/** The image ID a tag-keyed entry was saved for (the part after "#"), if the key has one. */
export function imageIdFromKey(key: string): string | undefined {
  const hash = key.lastIndexOf('#')
  const id = hash === -1 ? '' : key.slice(hash + 1)
  return DIGEST.test(id) ? id : undefined
}

/** ISO-8601 week of a date, e.g. 2026w34: verdicts expire with it, so a slow cache is retried weekly. */
export function isoWeek(date: Date): string {
  const d = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()))
  const day = d.getUTCDay() || 7
  d.setUTCDate(d.getUTCDate() + 4 - day)
  const yearStart = new Date(Date.UTC(d.getUTCFullYear(), 0, 1))
  const week = Math.ceil(((d.getTime() - yearStart.getTime()) / 86_400_000 + 1) / 7)
  return `${d.getUTCFullYear()}w${String(week).padStart(2, '0')}`
}

/** Key of the "a pull was faster than this cache" verdict for an image entry, valid for one ISO week. */
export function verdictKey(imageKey: string, date: Date): string {
  return `${VERDICT_PREFIX}-${isoWeek(date)}-${imageKey.slice(KEY_PREFIX.length + 1)}`
}
