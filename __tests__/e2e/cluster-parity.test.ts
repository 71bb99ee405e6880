// Parity of what is inside the cluster: one made by the built action and one made by the upstream kind
// CLI, same node image and config, compared API object by API object once both have settled. The
// action makes some of those objects itself, ahead of the components that would (the controller
// manager's service accounts): they must come out as the components make them.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { CONTROLLER_ACCOUNTS } from '../../src/cluster/controller-accounts.js'
import { speedUpOn } from '../helpers/speed-ups.js'
import { NODE_IMAGE, clusterThroughAction, jobEnv, kind, retry, sh } from './harness.js'

const THEIRS = 'par-api-kind'
const OURS = 'par-api-ours'

/**
 * Kinds whose objects both clusters must hold alike. Left out: what is named or counted by time (events,
 * leases, pods, replica sets, endpoint slices) and certificate signing requests, which differ by design
 * (README: kind's bootstrap kubelet usually files one before kubeadm restarts it; ours is restarted first).
 */
const KINDS = [
  'namespaces',
  'serviceaccounts',
  'configmaps',
  'secrets',
  'services',
  'deployments',
  'daemonsets',
  'roles',
  'rolebindings',
  'clusterroles',
  'clusterrolebindings',
  'storageclasses',
  'nodes'
]

interface ApiObject {
  kind: string
  metadata: {
    name: string
    namespace?: string
    labels?: Record<string, string>
    annotations?: Record<string, string>
    managedFields?: { manager: string; operation: string; subresource?: string }[]
  }
  spec?: { template?: { spec?: { containers?: { image: string }[] } }; taints?: { key: string; effect: string }[] }
}

/**
 * What must match, per object: its identity, labels, annotation keys, kubectl apply's annotation itself
 * (the storage manifest's objects: made by kubectl in kind's cluster, by the action in ours), who wrote
 * it, and (workloads) images.
 */
function fingerprint(o: ApiObject, cluster: string): string {
  const strip = (s: string): string => s.split(cluster).join('CLUSTER').replace(/^bootstrap-token-[a-z0-9]{6}$/, 'bootstrap-token-*')
  const labels = Object.entries(o.metadata.labels ?? {})
    .map(([k, v]) => `${k}=${strip(v)}`)
    .sort()
  const annotations = Object.keys(o.metadata.annotations ?? {}).sort()
  const lastApplied = strip(o.metadata.annotations?.['kubectl.kubernetes.io/last-applied-configuration'] ?? '')
  const writers = [...new Set((o.metadata.managedFields ?? []).map(f => `${f.manager}/${f.operation}${f.subresource ? `/${f.subresource}` : ''}`))].sort()
  const images = (o.spec?.template?.spec?.containers ?? []).map(c => c.image)
  const taints = (o.spec?.taints ?? []).map(t => `${t.key}:${t.effect}`)
  return JSON.stringify([o.kind, o.metadata.namespace ?? '', strip(o.metadata.name), labels, annotations, lastApplied, writers, images, taints])
}

async function inventory(env: Record<string, string>, cluster: string, context: string): Promise<string[]> {
  const out = await sh('kubectl', ['--context', context, 'get', KINDS.join(','), '-A', '--show-managed-fields', '-o', 'json'], env)
  return (JSON.parse(out) as { items: ApiObject[] }).items.map(o => fingerprint(o, cluster)).sort()
}

describe('API objects of a cluster made by the action and by the kind CLI', () => {
  const kindConfig = join(mkdtempSync(join(tmpdir(), 'parity-api-')), 'kubeconfig')
  const kindEnv = { ...process.env, KUBECONFIG: kindConfig } as Record<string, string>
  // The kind CLI's cluster first, then ours; ours is deleted by its post step, then theirs.
  const { runner, main } = clusterThroughAction(
    { cluster_name: OURS, node_image: NODE_IMAGE, wait: '5m' },
    {
      before: () => kind(['create', 'cluster', '--name', THEIRS, '--image', NODE_IMAGE, '--kubeconfig', kindConfig, '--wait', '5m']),
      after: async () => {
        await kind(['delete', 'cluster', '--name', THEIRS, '--kubeconfig', kindConfig]).catch(() => undefined)
      }
    }
  )

  it.skipIf(speedUpOn('controller-accounts-ahead'))('with controller-accounts-ahead off, left the accounts to the controller manager', () => {
    expect(main.log).not.toContain('service accounts ahead of it')
  })

  it.runIf(speedUpOn('controller-accounts-ahead'))("made the controller manager's service accounts ahead of it, and said so", () => {
    const line = main.log.split('\n').find(l => l.startsWith("Made the controller manager's service accounts ahead of it"))
    expect(line).toBeDefined()
    const [, created, existing] = /: (\d+) created, (\d+) already there/.exec(line!)!
    expect(Number(created) + Number(existing)).toBe(CONTROLLER_ACCOUNTS.length)
  })

  it('holds the same objects, labelled, annotated and written by the same managers, once both have settled', async () => {
    const ours = { env: jobEnv(runner), cluster: OURS, context: `kind-${OURS}` }
    const theirs = { env: kindEnv, cluster: THEIRS, context: `kind-${THEIRS}` }
    // Controllers keep adding objects for a while after Ready (each namespace's root CA and default
    // account, say): compare until the two agree, then show the difference if they never do.
    let last: [string[], string[]] = [[], []]
    await retry(
      'the two clusters holding the same objects',
      async () => {
        last = await Promise.all([inventory(ours.env, ours.cluster, ours.context), inventory(theirs.env, theirs.cluster, theirs.context)])
        if (JSON.stringify(last[0]) !== JSON.stringify(last[1])) throw new Error('not the same yet')
      },
      90_000,
      3000
    ).catch(() => undefined)
    const [mine, kinds] = last
    expect(mine.filter(o => !kinds.includes(o))).toEqual([])
    expect(kinds.filter(o => !mine.includes(o))).toEqual([])
    expect(mine.length).toBeGreaterThan(100)
  })

  it("has no controller account with anything but a name: as the controller manager makes them", async () => {
    const out = await sh('kubectl', ['--context', `kind-${OURS}`, 'get', 'serviceaccounts', '-n', 'kube-system', '--show-managed-fields', '-o', 'json'], jobEnv(runner))
    const accounts = (JSON.parse(out) as { items: (ApiObject & { secrets?: unknown; automountServiceAccountToken?: unknown })[] }).items
    const made = accounts.filter(a => CONTROLLER_ACCOUNTS.includes(a.metadata.name))
    expect(made.map(a => a.metadata.name).sort()).toEqual([...CONTROLLER_ACCOUNTS].sort())
    for (const a of made) {
      expect({ name: a.metadata.name, labels: a.metadata.labels, annotations: a.metadata.annotations, managedFields: a.metadata.managedFields, automount: a.automountServiceAccountToken }).toEqual({
        name: a.metadata.name,
        labels: undefined,
        annotations: undefined,
        managedFields: undefined,
        automount: undefined
      })
    }
  })
})
