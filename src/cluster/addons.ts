// The node image's default CNI and storage (kind-spec §5.5, §5.6): made through the API server as soon
// as it answers, so kindnet's DaemonSet is there before the controller manager starts; kubectl in the
// node (kind's way) does what cannot be done so. See docs/design/addons-through-api.md.
import type { Cluster } from '../config/types.js'
import type { DockerPort } from '../docker/port.js'
import { prepareCniManifest } from '../kubeadm/cni.js'
import { controlPlaneEndpoint } from './identity.js'
import type { KubeApi } from './kube-api.js'
import { createManifestObjects, ManifestObjectError, planManifest, type ManifestVerb } from './manifest-objects.js'
import { readFile, run } from './node-exec.js'

const KUBECTL = ['kubectl', '--kubeconfig=/etc/kubernetes/admin.conf']

export interface AddonTarget {
  docker: DockerPort
  /** The bootstrap node, which holds the manifests and kubectl. */
  node: string
  /** A client for the API server from the action; rejects when there can be none. None: kubectl only, as kind. */
  api?: () => Promise<Pick<KubeApi, 'request'>>
  /** Settles once kubeadm init has made admin.conf usable (see adminConfUsableWatcher), or is over. */
  adminConfUsable: Promise<unknown>
  /** Told when kubectl in the node does the work instead, and why. */
  note: (line: string) => void
}

/** Why the API server could not be used from here (undefined: the objects were made). */
async function throughApi(
  target: AddonTarget,
  client: () => Promise<Pick<KubeApi, 'request'>>,
  manifest: string,
  verb: ManifestVerb
): Promise<string | undefined> {
  const plan = planManifest(manifest, verb)
  if ('unsupported' in plan) return `the manifest has ${plan.unsupported}`
  let api: Pick<KubeApi, 'request'>
  try {
    api = await client()
  } catch (error) {
    return `no client for the API server (${String(error)})`
  }
  const outcome = await createManifestObjects(api, plan.objects, { giveUp: target.adminConfUsable })
  if (outcome === 'created') return undefined
  if (outcome === 'no answer') return 'the API server did not answer the action before kubeadm made admin.conf usable'
  if (verb === 'create') throw new ManifestObjectError(`${outcome.alreadyThere} already exists (kubectl create, which kind runs, fails on it too)`)
  return `${outcome.alreadyThere} already exists, which kubectl apply updates`
}

async function install(target: AddonTarget, manifest: string, verb: ManifestVerb, what: string): Promise<void> {
  if (target.api) {
    const reason = await throughApi(target, target.api, manifest, verb).catch((error: unknown) => {
      throw error instanceof ManifestObjectError ? new ManifestObjectError(`installing ${what}: ${error.message}`) : error
    })
    if (reason === undefined) return
    target.note(`Installing ${what} with kubectl in ${target.node}, as kind does: ${reason}`)
  }
  await target.adminConfUsable
  await run(target.docker, target.node, [...KUBECTL, verb, '-f', '-'], { stdin: manifest })
}

export async function installDefaultCni(target: AddonTarget, cluster: Cluster): Promise<void> {
  const manifest = await readFile(target.docker, target.node, '/kind/manifests/default-cni.yaml')
  const prepared = prepareCniManifest(manifest, cluster.networking.podSubnet, controlPlaneEndpoint(cluster))
  // kind uses create, not apply.
  await install(target, prepared, 'create', 'the default CNI')
}

/** kind's fallback when an image has no storage manifest: the in-tree hostpath provisioner as default class. */
const LEGACY_STORAGE = `apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  namespace: kube-system
  name: standard
  annotations:
    storageclass.kubernetes.io/is-default-class: "true"
provisioner: kubernetes.io/host-path
`

export async function installDefaultStorage(target: AddonTarget): Promise<void> {
  const found = await target.docker.exec(target.node, ['cat', '/kind/manifests/default-storage.yaml'])
  const manifest = found.exitCode === 0 ? found.stdout : LEGACY_STORAGE
  await install(target, manifest, 'apply', 'the default storage')
}
