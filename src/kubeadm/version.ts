// Kubernetes version strings as kind reads them (sigs.k8s.io/kind/pkg/internal/version, itself
// k8s.io/apimachinery's util/version). Two parsers with different comparison rules matter:
// - generic (kubeadm API version, cgroup driver, init/join flags): only the numbers count, so
//   `v1.36.0-alpha.1` is *equal* to `v1.36.0`;
// - semantic (taint removal, readiness selector): strict semver, where a pre-release sorts first.

export class VersionParseError extends Error {
  override name = 'VersionParseError'
}

const VERSION_RE = /^\s*v?([0-9]+(?:\.[0-9]+)*)(.*)$/
const EXTRA_RE = /^(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?\s*$/
const UINT64_MAX = 2n ** 64n - 1n

function parseUint(s: string): number | undefined {
  if (!/^[0-9]+$/.test(s) || BigInt(s) > UINT64_MAX) return undefined
  return Number(s)
}

export class Version {
  private constructor(
    readonly components: readonly number[],
    readonly semver: boolean,
    readonly preRelease: string,
    readonly buildMetadata: string
  ) {}

  /** Two or more dot-separated numbers, optionally after `v`; anything after them is ignored. */
  static parseGeneric(s: string): Version {
    return Version.parse(s, false)
  }

  /** Exactly MAJOR.MINOR.PATCH with optional -pre.release and +build metadata. */
  static parseSemantic(s: string): Version {
    return Version.parse(s, true)
  }

  private static parse(s: string, semver: boolean): Version {
    const m = VERSION_RE.exec(s)
    if (!m) throw new VersionParseError(`could not parse "${s}" as version`)
    const numbers = (m[1] as string).split('.')
    const extra = m[2] ?? ''
    if ((semver && numbers.length !== 3) || (!semver && numbers.length < 2)) {
      throw new VersionParseError(`illegal version string "${s}"`)
    }
    const components = numbers.map((c, i) => {
      if ((i === 0 || semver) && c.startsWith('0') && c !== '0') {
        throw new VersionParseError(`illegal zero-prefixed version component "${c}" in "${s}"`)
      }
      const n = parseUint(c)
      if (n === undefined) throw new VersionParseError(`illegal non-numeric version component "${c}" in "${s}"`)
      return n
    })
    let preRelease = ''
    let buildMetadata = ''
    if (semver && extra !== '') {
      const e = EXTRA_RE.exec(extra)
      if (!e) throw new VersionParseError(`could not parse pre-release/metadata (${extra}) in version "${s}"`)
      preRelease = e[1] ?? ''
      buildMetadata = e[2] ?? ''
      for (const part of preRelease.split('.')) {
        if (parseUint(part) !== undefined && part.startsWith('0') && part !== '0') {
          throw new VersionParseError(`illegal zero-prefixed version component "${part}" in "${s}"`)
        }
      }
    }
    return new Version(components, semver, preRelease, buildMetadata)
  }

  get major(): number {
    return this.components[0] as number
  }
  get minor(): number {
    return this.components[1] as number
  }
  get patch(): number {
    return this.components[2] ?? 0
  }

  /** -1, 0 or 1. Pre-releases only count when both versions were parsed as semantic versions. */
  compare(other: Version): -1 | 0 | 1 {
    const a = this.components
    const b = other.components
    for (let i = 0; i < a.length && i < b.length; i++) {
      if ((a[i] as number) !== (b[i] as number)) return (a[i] as number) < (b[i] as number) ? -1 : 1
    }
    if (a.length > b.length && a.slice(b.length).some((n) => n !== 0)) return 1
    if (b.length > a.length && b.slice(a.length).some((n) => n !== 0)) return -1
    if (!this.semver || !other.semver) return 0
    return comparePreRelease(this.preRelease, other.preRelease)
  }

  lessThan(other: Version): boolean {
    return this.compare(other) === -1
  }

  atLeast(other: Version): boolean {
    return this.compare(other) !== -1
  }

  toString(): string {
    let s = this.components.join('.')
    if (this.preRelease) s += `-${this.preRelease}`
    if (this.buildMetadata) s += `+${this.buildMetadata}`
    return s
  }
}

function comparePreRelease(a: string, b: string): -1 | 0 | 1 {
  if (a === b) return 0
  if (a === '') return 1
  if (b === '') return -1
  const ap = a.split('.')
  const bp = b.split('.')
  for (let i = 0; i < ap.length && i < bp.length; i++) {
    const x = ap[i] as string
    const y = bp[i] as string
    const xn = parseUint(x)
    const yn = parseUint(y)
    if (xn !== undefined && yn !== undefined) {
      if (xn !== yn) return xn < yn ? -1 : 1
      continue
    }
    if (x !== y) return x < y ? -1 : 1
  }
  if (ap.length !== bp.length) return ap.length < bp.length ? -1 : 1
  return 0
}

/** Shorthand for the thresholds kind hard-codes, which are all valid semantic versions. */
export function semver(s: string): Version {
  return Version.parseSemantic(s)
}
