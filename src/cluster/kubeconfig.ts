// Kubeconfig handling as kind does it (kind-spec §5.9, §6.2): the admin.conf of the bootstrap control
// plane renamed to kind-<name>, pointed at the host port, merged under a lock into the target file.
import { accessSync, chmodSync, constants, mkdirSync, openSync, closeSync, readFileSync, rmSync, writeFileSync, existsSync, statSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import YAML from 'yaml'
import { encodeYAML } from '../kubeadm/goyaml/encode.js'
import type { JsonValue } from '../kubeadm/json.js'
import { kubeconfigContext } from './identity.js'

type Named = { name: string; [key: string]: unknown }
export interface KubeconfigDoc {
  apiVersion?: string
  kind?: string
  preferences?: Record<string, unknown>
  clusters?: Named[]
  users?: Named[]
  contexts?: Named[]
  'current-context'?: string
  [key: string]: unknown
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys)
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value as object)
        .sort()
        .map(k => [k, sortKeys((value as Record<string, unknown>)[k])])
    )
  }
  return value
}

/** Serialises as kind's sigs.k8s.io/yaml writer does: sorted keys, go-yaml's layout (`- ` lists unindented). */
export function serializeKubeconfig(doc: KubeconfigDoc): string {
  return encodeYAML(sortKeys(doc) as JsonValue)
}

export function parseKubeconfig(text: string, source: string): KubeconfigDoc {
  if (text.trim() === '') return {}
  const doc = YAML.parse(text) as unknown
  if (doc === null || doc === undefined) return {}
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new Error(`${source}: not a kubeconfig (expected a YAML mapping)`)
  return doc as KubeconfigDoc
}

/** kind's rewrite of admin.conf: one cluster, user and context, all named kind-<name>, server = host endpoint. */
export function kindKubeconfig(adminConf: string, clusterName: string, server: string): KubeconfigDoc {
  const doc = parseKubeconfig(adminConf, 'admin.conf')
  const [cluster, user, context] = [doc.clusters ?? [], doc.users ?? [], doc.contexts ?? []]
  if (cluster.length !== 1 || user.length !== 1 || context.length !== 1) {
    throw new Error('admin.conf: expected exactly one cluster, one user and one context')
  }
  const name = kubeconfigContext(clusterName)
  const clusterBody = { ...(cluster[0].cluster as Record<string, unknown>), server }
  const contextBody = { ...(context[0].context as Record<string, unknown>), cluster: name, user: name }
  return {
    ...doc,
    clusters: [{ ...cluster[0], name, cluster: clusterBody }],
    users: [{ ...user[0], name }],
    contexts: [{ ...context[0], name, context: contextBody }],
    'current-context': name
  }
}

function upsert(list: Named[] | undefined, item: Named): Named[] {
  const result = [...(list ?? [])]
  const at = result.findIndex(x => x.name === item.name)
  if (at >= 0) result[at] = item
  else result.push(item)
  return result
}

const ENTRY_FIELDS = ['clusters', 'users', 'contexts', 'current-context']

/** The fields kind keeps as they are (its Config's OtherFields): apiVersion, kind, preferences, ... */
function otherFields(doc: KubeconfigDoc): KubeconfigDoc {
  return Object.fromEntries(Object.entries(doc).filter(([k]) => !ENTRY_FIELDS.includes(k)))
}

/**
 * Merges kind's entries into an existing kubeconfig: same names replaced in place, others appended. As
 * kind, a file without other fields gets those of the cluster's admin.conf (apiVersion, kind, and
 * `preferences` only when the admin.conf has it: the kubeadm of v1.37 writes none).
 */
export function mergeKubeconfig(existing: KubeconfigDoc, kind: KubeconfigDoc): KubeconfigDoc {
  const hadOtherFields = Object.keys(otherFields(existing)).length > 0
  const merged: KubeconfigDoc = hadOtherFields ? { ...existing } : { ...otherFields(kind), ...existing }
  merged.clusters = upsert(existing.clusters, kind.clusters![0])
  merged.users = upsert(existing.users, kind.users![0])
  merged.contexts = upsert(existing.contexts, kind.contexts![0])
  merged['current-context'] = kind['current-context']
  return merged
}

/** Drops kind-<name> entries; returns undefined when nothing changed (kind then leaves the file alone). */
export function removeFromKubeconfig(existing: KubeconfigDoc, clusterName: string): KubeconfigDoc | undefined {
  const name = kubeconfigContext(clusterName)
  const keep = (list: Named[] | undefined): Named[] | undefined => list?.filter(x => x.name !== name)
  const result: KubeconfigDoc = {
    ...existing,
    ...(existing.clusters ? { clusters: keep(existing.clusters) } : {}),
    ...(existing.users ? { users: keep(existing.users) } : {}),
    ...(existing.contexts ? { contexts: keep(existing.contexts) } : {})
  }
  if (existing['current-context'] === name) result['current-context'] = ''
  const changed =
    result.clusters?.length !== existing.clusters?.length ||
    result.users?.length !== existing.users?.length ||
    result.contexts?.length !== existing.contexts?.length ||
    result['current-context'] !== existing['current-context']
  return changed ? result : undefined
}

/** The file kind writes to: explicit path, else the KUBECONFIG list rule, else ~/.kube/config. */
/**
 * Why the kubeconfig could not be written at `path`, if that can be told before any container exists:
 * a directory there, or no writable directory to hold it (its nearest existing ancestor is a file or
 * read-only). Found late, it would fail the creation after the control plane is up.
 */
export function kubeconfigPathProblem(path: string): string | undefined {
  const act = 'name a file the step can write (or leave kubeconfig empty for ~/.kube/config)'
  try {
    if (statSync(path).isDirectory()) return `${path} is a directory; ${act}`
  } catch {
    // Absent: it will be created, so its directory is what matters.
  }
  let dir = dirname(resolve(path))
  while (!existsSync(dir) && dirname(dir) !== dir) dir = dirname(dir)
  try {
    if (!statSync(dir).isDirectory()) return `${path} cannot be created: ${dir} is not a directory; ${act}`
    accessSync(dir, constants.W_OK)
    if (existsSync(path)) accessSync(path, constants.W_OK)
  } catch (error) {
    return `${path} is not writable (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); ${act}`
  }
  return undefined
}

export function resolveKubeconfigPath(explicit: string, kubeconfigEnv: string | undefined, home: string): string {
  if (explicit) return explicit
  const entries = [...new Set((kubeconfigEnv ?? '').split(':').filter(Boolean))]
  if (entries.length === 1) return entries[0]
  if (entries.length > 1) {
    const firstExisting = entries.find(p => {
      try {
        return statSync(p).isFile()
      } catch {
        return false
      }
    })
    return firstExisting ?? entries[entries.length - 1]
  }
  return join(home, '.kube', 'config')
}

const LOCK_RETRY_MS = [0, 1, 50, 100, 200, 400, 800]

/** kind's <file>.lock (O_CREAT|O_EXCL), retried briefly: two clusters in one job may export at once. */
export async function withKubeconfigLock<T>(path: string, fn: () => T): Promise<T> {
  mkdirSync(dirname(path), { recursive: true, mode: 0o755 })
  const lock = `${path}.lock`
  let lastError: unknown
  for (const delay of LOCK_RETRY_MS) {
    await new Promise(resolve => setTimeout(resolve, delay))
    let fd: number
    try {
      fd = openSync(lock, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY)
    } catch (error) {
      lastError = error
      continue
    }
    closeSync(fd)
    try {
      return fn()
    } finally {
      rmSync(lock, { force: true })
    }
  }
  throw new Error(`could not lock kubeconfig ${path} (${lock} exists): ${String(lastError)}`)
}

function readDoc(path: string): KubeconfigDoc {
  return existsSync(path) ? parseKubeconfig(readFileSync(path, 'utf8'), path) : {}
}

export async function exportKubeconfig(path: string, kind: KubeconfigDoc): Promise<void> {
  await withKubeconfigLock(path, () => {
    writeFileSync(path, serializeKubeconfig(mergeKubeconfig(readDoc(path), kind)), { mode: 0o600 })
    chmodSync(path, 0o600)
  })
}

/** Removes the cluster's entries from the file; returns whether the file changed. */
export async function removeKubeconfigEntries(path: string, clusterName: string): Promise<boolean> {
  // Nothing of ours can be in a file that is not there, or in a directory (a kubeconfig input the main step refused).
  if (!existsSync(path) || statSync(path).isDirectory()) return false
  return withKubeconfigLock(path, () => {
    const updated = removeFromKubeconfig(readDoc(path), clusterName)
    if (!updated) return false
    writeFileSync(path, serializeKubeconfig(updated), { mode: 0o600 })
    return true
  })
}
