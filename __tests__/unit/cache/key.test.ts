import { describe, expect, it } from 'vitest'
import { imageIdFromKey, isoWeek, ociArch, parseImageRef, platformOf, restoreKeys, saveKey, shortHash, verdictKey } from '../../../src/cache/key.js'

const D1 = `sha256:${'a'.repeat(64)}`
const D2 = `sha256:${'b'.repeat(64)}`
const amd64 = { os: 'linux', arch: 'amd64' }

describe('parseImageRef', () => {
  it.each([
    ['kindest/node:v1.35.5@' + D1, { repository: 'docker.io/kindest/node', tag: 'v1.35.5', digest: D1 }],
    ['docker.io/kindest/node@' + D1, { repository: 'docker.io/kindest/node', digest: D1 }],
    ['busybox', { repository: 'docker.io/library/busybox', tag: 'latest' }],
    ['busybox:1.36', { repository: 'docker.io/library/busybox', tag: '1.36' }],
    ['localhost:5000/a/b:c', { repository: 'localhost:5000/a/b', tag: 'c' }],
    ['localhost/a', { repository: 'localhost/a', tag: 'latest' }],
    ['ghcr.io/o/img:v1', { repository: 'ghcr.io/o/img', tag: 'v1' }],
    ['registry:5000/img', { repository: 'registry:5000/img', tag: 'latest' }],
    ['docker.io/kindest/haproxy:v20251211-v0.29.0-alpha-100-g82a92c5d', { repository: 'docker.io/kindest/haproxy', tag: 'v20251211-v0.29.0-alpha-100-g82a92c5d' }]
  ])('%s', (ref, expected) => {
    expect(parseImageRef(ref)).toEqual(expected)
  })

  it.each(['kindest/node@sha256:abc', 'a b', 'x,y:1', 'img:-bad', ''])('rejects %j', ref => {
    expect(() => parseImageRef(ref)).toThrow()
  })
})

describe('platform', () => {
  it.each([
    ['x86_64', 'amd64'],
    ['aarch64', 'arm64'],
    ['armv7l', 'arm'],
    ['s390x', 's390x'],
    ['mips64', 'mips64']
  ])('%s → %s', (machine, arch) => expect(ociArch(machine)).toBe(arch))

  it('comes from the daemon, not from this process', () => {
    expect(platformOf({ OSType: 'linux', Architecture: 'aarch64' })).toEqual({ os: 'linux', arch: 'arm64' })
    expect(platformOf(undefined)).toEqual({ os: 'linux', arch: 'amd64' })
  })
})

describe('restore and save keys', () => {
  it('a digest reference is keyed by repository and digest, exactly, before any pull', () => {
    const keys = restoreKeys(`kindest/node:v1.35.5@${D1}`, amd64)
    expect(keys).toEqual({ lookup: `kind-action-image-v1-linux-amd64-docker.io/kindest/node@${D1}`, restoreKeys: [], byTag: false, slug: expect.stringMatching(/^linux-amd64-[0-9a-f]{16}$/) })
    // The tag does not matter once the digest is given, and the save key is the restore key.
    expect(restoreKeys(`docker.io/kindest/node@${D1}`, amd64).lookup).toBe(keys.lookup)
    expect(saveKey(`kindest/node:v1.35.5@${D1}`, amd64, D2)).toBe(keys.lookup)
  })

  it('a tag-only reference is looked up by a prefix that the image ID completes', () => {
    const keys = restoreKeys('kindest/haproxy:v1', amd64)
    expect(keys.lookup).toBe('kind-action-image-v1-linux-amd64-docker.io/kindest/haproxy:v1#')
    expect(keys.restoreKeys).toEqual([keys.lookup])
    const key = saveKey('kindest/haproxy:v1', amd64, D2)
    expect(key).toBe(`${keys.lookup}${D2}`)
    expect(key.startsWith(keys.lookup)).toBe(true)
    expect(imageIdFromKey(key)).toBe(D2)
    // Tag v1's prefix never matches tag v10's entries.
    expect(saveKey('kindest/haproxy:v10', amd64, D2).startsWith(keys.lookup)).toBe(false)
    expect(() => saveKey('kindest/haproxy:v1', amd64, 'abc')).toThrow(/not a sha256 digest/)
  })

  it('differs by platform, in key and directory', () => {
    const arm = restoreKeys(`kindest/node@${D1}`, { os: 'linux', arch: 'arm64' })
    const x86 = restoreKeys(`kindest/node@${D1}`, amd64)
    expect(arm.lookup).not.toBe(x86.lookup)
    expect(arm.slug).not.toBe(x86.slug)
  })

  it('keeps keys within the service rules (no commas, at most 512 characters)', () => {
    const long = `ghcr.io/${'o'.repeat(200)}/${'i'.repeat(100)}:${'t'.repeat(128)}`
    const key = saveKey(long, amd64, D1)
    expect(key).not.toContain(',')
    expect(key.length).toBeLessThanOrEqual(512)
    expect(imageIdFromKey(key)).toBe(D1)
    expect(key.startsWith(restoreKeys(long, amd64).lookup)).toBe(true)
    // Two long names that share their head still get different keys.
    expect(saveKey(long.replace('/i', '/j'), amd64, D1)).not.toBe(key)
    const pinned = restoreKeys(`ghcr.io/${'o'.repeat(600)}/i@${D1}`, amd64).lookup
    expect(pinned.length).toBeLessThanOrEqual(512)
    expect(pinned.endsWith(`@${D1}`)).toBe(true)
  })

  it('has no image ID in a digest key', () => {
    expect(imageIdFromKey(restoreKeys(`kindest/node@${D1}`, amd64).lookup)).toBeUndefined()
  })

  it('shortHash is stable and spreads', () => {
    expect(shortHash('a')).toBe(shortHash('a'))
    expect(shortHash('a')).not.toBe(shortHash('b'))
    expect(shortHash('')).toMatch(/^[0-9a-f]{16}$/)
  })
})

describe('verdict keys', () => {
  it.each([
    ['2026-01-01', '2026w01'],
    ['2027-01-01', '2026w53'],
    ['2024-12-30', '2025w01'],
    ['2026-08-19', '2026w34'],
    ['2026-08-23', '2026w34'],
    ['2026-08-24', '2026w35']
  ])('ISO week of %s is %s', (day, week) => expect(isoWeek(new Date(`${day}T12:00:00Z`))).toBe(week))

  it('live in their own namespace, per image and week', () => {
    const image = restoreKeys(`kindest/node@${D1}`, amd64).lookup
    const key = verdictKey(image, new Date('2026-08-19T00:00:00Z'))
    expect(key).toBe(`kind-action-image-verdict-v1-2026w34-linux-amd64-docker.io/kindest/node@${D1}`)
    // An image lookup (exact key or tag prefix) can never match a verdict.
    expect(key.startsWith('kind-action-image-v1-')).toBe(false)
    expect(verdictKey(image, new Date('2026-08-24T00:00:00Z'))).not.toBe(key)
  })
})
