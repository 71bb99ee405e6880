// kind Cluster configs (the YAML a user gives the action's `config` input, or `kind create cluster
// --config`) shared by the unit, integration and e2e tiers, so that the same cluster shapes are written
// once. Each one is the exact text the tests used before they were shared: a config's bytes are part of
// what a test feeds in (kind's own examples, say), so a builder here must not reformat them.

import { readFileSync } from 'node:fs'

/** The header of every v1alpha4 config; alone, kind's minimal config (one control-plane node). */
export const KIND_HEADER = 'kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\n'

export type Role = 'control-plane' | 'worker'

/** A node of a `nodes:` list: its role, and optionally more of its fields as YAML lines (without indent). */
export type NodeLines = Role | { role: Role; lines: string[] }

/**
 * A config with a `nodes:` list (after the header and any top-level `body`), one `- role:` item a
 * node, each further line of a node indented under it as YAML wants.
 */
export function kindConfig(nodes: NodeLines[], body = ''): string {
  const items = nodes.map(n => {
    const { role, lines } = typeof n === 'string' ? { role: n, lines: [] } : n
    return [`- role: ${role}`, ...lines.map(l => `  ${l}`)].join('\n') + '\n'
  })
  return `${KIND_HEADER}${body}nodes:\n${items.join('')}`
}

/** n nodes of one role. */
export function times(n: number, role: Role): Role[] {
  return Array.from({ length: n }, () => role)
}

/** One control-plane node: kind's default cluster. */
export const SINGLE_NODE = KIND_HEADER

/** One control plane and one worker. */
export const ONE_CP_ONE_WORKER = kindConfig(['control-plane', 'worker'])

/** HA: three control planes behind the load balancer, two workers, the first labelled tier=backend. */
export const HA_3CP_2W = kindConfig([...times(3, 'control-plane'), { role: 'worker', lines: ['labels: {tier: backend}'] }, 'worker'])

/**
 * HA with workers: two control planes (so a load balancer), a worker labelled tier=backend, and a
 * worker with a port mapping on a host port Docker chooses.
 */
export const HA_2CP_2W_PORTS = kindConfig([
  ...times(2, 'control-plane'),
  { role: 'worker', lines: ['labels: {tier: backend}'] },
  { role: 'worker', lines: ['extraPortMappings:', '- containerPort: 30080', '  hostPort: 0', '  listenAddress: 127.0.0.1'] }
])

/** One node, IPv6 only. */
export const IPV6 = `${KIND_HEADER}networking:\n  ipFamily: ipv6\n`

/** One node, dual stack. */
export const DUAL_STACK = `${KIND_HEADER}networking:\n  ipFamily: dual\n`

/** A config whose only node has a role kind does not know (kind's old "master"): invalid. */
export const BAD_ROLE = kindConfig(['master' as Role])

/**
 * A JSON 6902 patch of the ClusterConfiguration (kubeadm v1beta3) adding a certificate SAN, as kind's
 * documentation writes it: the `kubeadmConfigPatchesJSON6902:` key and its one item, top-level.
 */
export const CERT_SAN_JSON6902 = `kubeadmConfigPatchesJSON6902:
- group: kubeadm.k8s.io
  version: v1beta3
  kind: ClusterConfiguration
  patch: |
    - op: add
      path: /apiServer/certSANs/-
      value: my-hostname
`

/**
 * The README's `kubeadmConfigPatches` block for slow hosts (under "On a slow host kubeadm's own
 * timeouts"), as a user would paste it: its 20m0s timeouts, or each replaced by `timeout`. The e2e
 * harness raises kubeadm's timeouts with it, so the README's block is what runs under emulation.
 */
export function readmeSlowHostBlock(timeout = '20m0s'): string {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8')
  const block = readme.split("On a slow host kubeadm's own timeouts")[1]?.match(/```yaml\n([\s\S]*?)```/)?.[1]
  if (!block?.includes('kubeadmConfigPatches:')) throw new Error("README.md: no kubeadmConfigPatches block under \"On a slow host kubeadm's own timeouts\"")
  return block.split('20m0s').join(timeout)
}
