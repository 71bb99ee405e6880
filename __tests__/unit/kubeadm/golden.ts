// Golden files for the renderers. They were produced by kind's own Go code (see
// __tests__/fixtures/kubeadm/oracle) and may be replaced by files captured from a real `kind create
// cluster`; addresses Docker assigns differ between runs, so comparisons can map them to placeholders.

import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect } from 'vitest'

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'kubeadm')

export function fixturePath(name: string): string {
  return join(FIXTURES, name)
}

export function readFixture(name: string): string {
  return readFileSync(fixturePath(name), 'utf8')
}

export interface NormaliseOptions {
  /** Exact replacements applied first, e.g. `{ '172.18.0.3': '<cp1>', 'kind-worker': '<w1>' }`. */
  replace?: Record<string, string>
  /**
   * Replace every address Docker could have assigned to a node (IPv4 in 172.16.0.0/12 or
   * 192.168.0.0/16, IPv6 in fc00::/7) by `<node-ipv4>` / `<node-ipv6>`. CIDRs (followed by `/`) and
   * loopback addresses are left alone.
   */
  nodeAddresses?: boolean
}

const IPV4 = /(?<![\d.])(172\.(?:1[6-9]|2\d|3[01])\.\d{1,3}\.\d{1,3}|192\.168\.\d{1,3}\.\d{1,3})(?![\d./])/g
const IPV6 = /(?<![\w:])(f[cd][0-9a-f]{2}:[0-9a-f:]*[0-9a-f])(?![\w:/])/gi

export function normaliseAddresses(text: string, options: NormaliseOptions = {}): string {
  let out = text
  // Longest first, so that `kind-worker2` is not caught by `kind-worker`.
  for (const from of Object.keys(options.replace ?? {}).sort((a, b) => b.length - a.length)) {
    out = out.replaceAll(from, options.replace?.[from] as string)
  }
  if (options.nodeAddresses) out = out.replace(IPV4, '<node-ipv4>').replace(IPV6, '<node-ipv6>')
  return out
}

/** Compares exactly (by default) or after normalising both texts the same way. */
export function expectGolden(actual: string, name: string, options: NormaliseOptions = {}): void {
  const golden = readFixture(name)
  expect(normaliseAddresses(actual, options)).toBe(normaliseAddresses(golden, options))
}
