// The controller manager's own service accounts, made for it while it waits for its leader lease: missing,
// each costs it three rate-limited requests before its informers start. Only those it certainly makes, as it
// makes them; the rest are left to it. See docs/design/controller-accounts-ahead.md.
import { Version } from '../kubeadm/version.js'
import { notUpYet, whenUp, type KubeApi } from './kube-api.js'
import { kubeadmDocuments } from './kubeadm-commands.js'

/** Read from each minor's cmd/kube-controller-manager/app: the ClientOrDie/Client names of ungated, on-by-default controllers. */
const VERIFIED_MINORS = { first: 31, last: 37 }

export const CONTROLLER_ACCOUNTS = [
  'attachdetach-controller',
  'certificate-controller',
  'clusterrole-aggregation-controller',
  'cronjob-controller',
  'daemon-set-controller',
  'deployment-controller',
  'disruption-controller',
  'endpoint-controller',
  'endpointslice-controller',
  'endpointslicemirroring-controller',
  'ephemeral-volume-controller',
  'expand-controller',
  'generic-garbage-collector',
  'horizontal-pod-autoscaler',
  'job-controller',
  'legacy-service-account-token-cleaner',
  'namespace-controller',
  'node-controller',
  'persistent-volume-binder',
  'pod-garbage-collector',
  'pv-protection-controller',
  'pvc-protection-controller',
  'replicaset-controller',
  'replication-controller',
  'resourcequota-controller',
  'root-ca-cert-publisher',
  'service-account-controller',
  'statefulset-controller',
  'ttl-after-finished-controller',
  'ttl-controller',
  // Disabled by default; kubeadm's --controllers=*,bootstrapsigner,tokencleaner turns them on.
  'bootstrap-signer',
  'token-cleaner'
]

/** Controller-manager flags that change which controllers run or which credentials they use. */
const FLAGS_THAT_CHANGE_THE_ACCOUNTS = ['controllers', 'use-service-account-credentials']

export type ControllerAccountsPlan = { names: string[] } | { skip: string }

type Doc = Record<string, unknown>

/** extraArgs' names: a map in kubeadm v1beta3, a list of {name, value} in v1beta4. */
function extraArgNames(extraArgs: unknown): string[] {
  if (Array.isArray(extraArgs)) return extraArgs.map(arg => String((arg as Doc | null)?.name ?? ''))
  if (extraArgs && typeof extraArgs === 'object') return Object.keys(extraArgs)
  return []
}

/** Which accounts to make ahead of the controller manager, from the node's version and kubeadm.conf as written. */
export function planControllerAccounts(kubeadmConf: string, kubernetesVersion: string): ControllerAccountsPlan {
  let version: Version
  try {
    version = Version.parseGeneric(kubernetesVersion)
  } catch {
    return { skip: `its Kubernetes version "${kubernetesVersion}" could not be read` }
  }
  if (version.major !== 1 || version.minor < VERIFIED_MINORS.first || version.minor > VERIFIED_MINORS.last) {
    return { skip: `they are known for Kubernetes 1.${VERIFIED_MINORS.first}-1.${VERIFIED_MINORS.last}, not ${kubernetesVersion}` }
  }
  const docs = kubeadmDocuments(kubeadmConf)
  const controllerManager = docs.find(doc => doc.kind === 'ClusterConfiguration')?.controllerManager as Doc | undefined
  const changed = extraArgNames(controllerManager?.extraArgs).filter(name => FLAGS_THAT_CHANGE_THE_ACCOUNTS.includes(name))
  if (changed.length) return { skip: `the config sets the controller manager's ${changed.map(n => `--${n}`).join(' and ')}` }
  if (docs.some(doc => doc.patches !== undefined && doc.patches !== null)) {
    return { skip: "the config gives kubeadm a patches directory, which may change the controller manager's flags" }
  }
  return { names: CONTROLLER_ACCOUNTS }
}

const ACCOUNTS_PATH = '/api/v1/namespaces/kube-system/serviceaccounts'

function account(name: string): object {
  return { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: 'kube-system' } }
}

/** 201 made it, 409 someone (the controller manager) was first: either way it is there. */
const isThere = (status: number): boolean => status === 201 || status === 409

export interface AccountsMade {
  created: number
  existing: number
}

export interface CreateAccountsOptions {
  /** Settles when waiting no longer makes sense (kubeadm init is over, or failed). */
  stop: Promise<unknown>
  pollMs?: number
}

/**
 * Makes the accounts once the API server takes requests: one is tried until it answers, then the rest at
 * once. Resolves with what was done, or undefined when stop settled before the API server answered.
 */
export async function createControllerAccounts(
  api: Pick<KubeApi, 'request'>,
  names: string[],
  options: CreateAccountsOptions
): Promise<AccountsMade | undefined> {
  const post = (name: string): Promise<number> => api.request('POST', ACCOUNTS_PATH, account(name), 2_000).then(r => r.status, () => 0)
  const [first, ...rest] = names
  if (first === undefined) return { created: 0, existing: 0 }
  const { status } = await whenUp(() => post(first).then(status => ({ status })), options.stop, options.pollMs)
  if (notUpYet(status)) return undefined
  if (!isThere(status)) throw new Error(`the API server answered ${status} to creating service account ${first}`)
  const statuses = [status, ...(await Promise.all(rest.map(post)))]
  const failed = names.filter((_, i) => !isThere(statuses[i]))
  if (failed.length) throw new Error(`the API server did not take service accounts ${failed.join(', ')} (${statuses.filter(s => !isThere(s)).join(', ')})`)
  return { created: statuses.filter(s => s === 201).length, existing: statuses.filter(s => s === 409).length }
}

export interface AheadOptions {
  /** A system:masters client (super-admin.conf; the caller closes it); rejects when there is none. */
  api: () => Promise<Pick<KubeApi, 'request'>>
  kubeadmConf: string
  kubernetesVersion: string
  stop: Promise<unknown>
}

/**
 * Plans, then makes the accounts with super-admin.conf (system:masters: the cluster-admins binding that
 * admin.conf relies on is made by kubeadm only after the API server is healthy, which is too late).
 * Returns one line for the log. Never rejects: the controller manager makes whatever is missing.
 */
export async function makeControllerAccountsAhead(options: AheadOptions): Promise<string> {
  const plan = planControllerAccounts(options.kubeadmConf, options.kubernetesVersion)
  if ('skip' in plan) return `The controller manager makes its service accounts itself: ${plan.skip}`
  const start = performance.now()
  try {
    const made = await createControllerAccounts(await options.api(), plan.names, { stop: options.stop })
    if (!made) return 'The controller manager makes its service accounts itself: the API server did not answer before kubeadm init was over'
    const seconds = ((performance.now() - start) / 1000).toFixed(1)
    return `Made the controller manager's service accounts ahead of it in ${seconds} s: ${made.created} created, ${made.existing} already there`
  } catch (error) {
    return `Making the controller manager's service accounts ahead of it did not work; it makes them itself: ${String(error)}`
  }
}
