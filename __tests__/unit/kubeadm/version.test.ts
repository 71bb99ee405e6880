// Expectations checked against kind's pkg/internal/version.
import { describe, expect, it } from 'vitest'
import { semver, Version } from '../../../src/kubeadm/version.js'

describe('generic versions (numbers only)', () => {
  it.each([
    ['v1.36.0-alpha.1', 'v1.36.0', 0],
    ['1.35', 'v1.35.0', 0],
    ['v1.35.0.1', 'v1.35.0', 1],
    ['v1.36.0+abc', 'v1.36.0', 0],
    ['v1.34.4', 'v1.36.0', -1],
    ['  v1.37.0-rc.1 ', 'v1.36.0', 1],
    ['v1.02.3', 'v1.2.3', 0],
    ['v1.2.3.4', 'v1.2.3', 1]
  ])('%s vs %s = %d', (a, b, cmp) => {
    expect(Version.parseGeneric(a).compare(semver(b))).toBe(cmp)
  })

  it.each([
    ['v1', 'illegal version string "v1"'],
    ['01.2', 'illegal zero-prefixed version component "01" in "01.2"'],
    ['x1.2', 'could not parse "x1.2" as version'],
    ['', 'could not parse "" as version']
  ])('rejects %j', (s, message) => {
    expect(() => Version.parseGeneric(s)).toThrow(message)
  })
})

describe('semantic versions', () => {
  it.each([
    ['v1.24.0-alpha.1.591+abc', 'v1.24.0-alpha.1.592+370031cadac624', -1],
    ['v1.24.0-alpha.2', 'v1.24.0-alpha.1.592+370031cadac624', 1],
    ['v1.24.0', 'v1.24.0-alpha.1.592', 1],
    ['v1.25.0-alpha.0.557+84c8afeba39ec9', 'v1.25.0-alpha.0.557+84c8afeba39ec9', 0],
    ['v1.25.0-alpha.0.600', 'v1.25.0-alpha.0.557', 1],
    ['v1.0.0-alpha', 'v1.0.0-alpha.1', -1],
    ['v1.0.0-alpha.beta', 'v1.0.0-beta', -1],
    ['v1.0.0-beta.11', 'v1.0.0-beta.2', 1],
    ['v1.0.0-rc.1', 'v1.0.0', -1],
    ['v1.0.0-1', 'v1.0.0-a', -1],
    ['v1.2.3', '1.2.3', 0]
  ])('%s vs %s = %d', (a, b, cmp) => {
    expect(semver(a).compare(semver(b))).toBe(cmp)
    expect(semver(b).compare(semver(a))).toBe(-cmp || 0)
  })

  it.each([
    ['v1.2.3.4', 'illegal version string "v1.2.3.4"'],
    ['v1.02.3', 'illegal zero-prefixed version component "02" in "v1.02.3"'],
    ['v1.2.3-01', 'illegal zero-prefixed version component "01" in "v1.2.3-01"'],
    ['v1.2.3-a_b', 'could not parse pre-release/metadata (-a_b) in version "v1.2.3-a_b"']
  ])('rejects %j', (s, message) => {
    expect(() => Version.parseSemantic(s)).toThrow(message)
  })

  it('exposes its parts', () => {
    const v = semver('v1.34.4-rc.0+build.7')
    expect([v.major, v.minor, v.patch, v.preRelease, v.buildMetadata]).toEqual([1, 34, 4, 'rc.0', 'build.7'])
    expect(v.toString()).toBe('1.34.4-rc.0+build.7')
    expect(Version.parseGeneric('v1.36').patch).toBe(0)
    expect(semver('v1.24.0').atLeast(semver('v1.24.0-alpha.1'))).toBe(true)
    expect(semver('v1.24.0-alpha.1').lessThan(semver('v1.24.0'))).toBe(true)
  })
})
