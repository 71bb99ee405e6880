// A manifest's objects created straight through the API server, the way `kubectl create -f` and
// `kubectl apply -f` create objects that do not exist yet, without starting kubectl in the node.
//
// kind installs its CNI and storage manifests with kubectl in the bootstrap node. On a 2-core machine
// that kubectl spent most of its time downloading and parsing the API server's OpenAPI documents to
// learn whether the server validates fields itself (0.4 s of CPU of 0.6 s idle; 3-3.5 s wall on a
// machine busy starting the control plane), and it could only start once admin.conf was usable, late in
// kubeadm init. Made from here they come out the same, and can be made as soon as the API server answers.
//
// Only what is known to come out exactly as kubectl makes it is done here: documents of the kinds in
// RESOURCES, with safe-integer numbers and plain `---` separators. Anything else is left to kubectl
// (planManifest says why), which is what kind runs.
import { goJson } from '../kubeadm/go-json.js'
import { decodeYAML } from '../kubeadm/goyaml/decode.js'
import { isJsonObject, type JsonObject, type JsonValue } from '../kubeadm/json.js'
import { splitYAMLDocuments } from '../kubeadm/kubeyaml.js'
import { notUpYet, whenUp, type KubeApi } from './kube-api.js'

/** How kind hands the manifest to kubectl: `create` for the CNI, `apply` for storage. */
export type ManifestVerb = 'create' | 'apply'

interface Resource {
  /** The collection's path under /api or /apis, before any namespace. */
  base: string
  plural: string
  namespaced: boolean
}

const core = (plural: string, namespaced: boolean): Resource => ({ base: '/api/v1', plural, namespaced })
const group = (groupVersion: string, plural: string, namespaced: boolean): Resource => ({ base: `/apis/${groupVersion}`, plural, namespaced })

/** apiVersion/kind to REST resource, for the kinds the node images' manifests hold. */
const RESOURCES: Record<string, Resource> = {
  'v1/Namespace': core('namespaces', false),
  'v1/ServiceAccount': core('serviceaccounts', true),
  'v1/ConfigMap': core('configmaps', true),
  'v1/Secret': core('secrets', true),
  'v1/Service': core('services', true),
  'rbac.authorization.k8s.io/v1/ClusterRole': group('rbac.authorization.k8s.io/v1', 'clusterroles', false),
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': group('rbac.authorization.k8s.io/v1', 'clusterrolebindings', false),
  'rbac.authorization.k8s.io/v1/Role': group('rbac.authorization.k8s.io/v1', 'roles', true),
  'rbac.authorization.k8s.io/v1/RoleBinding': group('rbac.authorization.k8s.io/v1', 'rolebindings', true),
  'apps/v1/DaemonSet': group('apps/v1', 'daemonsets', true),
  'apps/v1/Deployment': group('apps/v1', 'deployments', true),
  'storage.k8s.io/v1/StorageClass': group('storage.k8s.io/v1', 'storageclasses', false)
}

/** kubectl's field managers (`--field-manager` defaults) for each verb. */
const FIELD_MANAGER: Record<ManifestVerb, string> = { create: 'kubectl-create', apply: 'kubectl-client-side-apply' }
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration'
/** kubectl's namespace for namespaced objects that name none (its kubeconfig's context has none). */
const DEFAULT_NAMESPACE = 'default'

export interface PlannedObject {
  /** POST target, with kubectl's query (field manager, strict field validation). */
  path: string
  body: JsonObject
  /** `Kind namespace/name`, for messages. */
  label: string
}

export type ManifestPlan = { objects: PlannedObject[] } | { unsupported: string }

function hasOnlySafeNumbers(value: JsonValue): boolean {
  if (typeof value === 'number') return Number.isSafeInteger(value)
  if (Array.isArray(value)) return value.every(hasOnlySafeNumbers)
  if (isJsonObject(value)) return Object.values(value).every(hasOnlySafeNumbers)
  return true
}

/**
 * kubectl apply's annotation for an object it creates: the object as given (namespace defaulted),
 * annotations but its own included (an empty map when there are none, as kubectl's unstructured
 * SetAnnotations leaves it), written by a json.Encoder (hence the newline).
 */
export function lastAppliedConfiguration(object: JsonObject): string {
  const metadata = object.metadata as JsonObject
  const annotations = { ...(isJsonObject(metadata.annotations) ? metadata.annotations : {}) }
  delete annotations[LAST_APPLIED]
  return `${goJson({ ...object, metadata: { ...metadata, annotations } })}\n`
}

/** One decoded document as kubectl would send it, or why it must be left to kubectl. */
function planObject(doc: JsonValue, verb: ManifestVerb): PlannedObject | string {
  if (!isJsonObject(doc) || !isJsonObject(doc.metadata) || typeof doc.metadata.name !== 'string' || doc.metadata.name === '') {
    return 'a document that is not an object with a metadata.name'
  }
  const { name, namespace: written, ...restOfMetadata } = doc.metadata
  const type = `${String(doc.apiVersion)}/${String(doc.kind)}`
  const resource = RESOURCES[type]
  if (!resource) return `an object of a kind not made here (${type})`
  if (!hasOnlySafeNumbers(doc)) return `${type} ${name} holds a number that is not a safe integer`
  if (written !== undefined && typeof written !== 'string') return `${type} ${name} has a metadata.namespace that is not a string`
  const given = restOfMetadata.annotations
  if (given !== undefined && !(isJsonObject(given) && Object.values(given).every(v => typeof v === 'string'))) {
    return `${type} ${name} has metadata.annotations that are not a map of strings`
  }
  // kubectl gives a namespaced object its default namespace when it names none, and drops the one a
  // cluster-scoped object names (from its annotation too).
  const namespace = resource.namespaced ? written || DEFAULT_NAMESPACE : ''
  let body: JsonObject = { ...doc, metadata: namespace ? { name, ...restOfMetadata, namespace } : { name, ...restOfMetadata } }
  if (verb === 'apply') {
    const metadata = body.metadata as JsonObject
    const annotations = { ...(isJsonObject(given) ? given : {}), [LAST_APPLIED]: lastAppliedConfiguration(body) }
    body = { ...body, metadata: { ...metadata, annotations } }
  }
  const collection = `${resource.base}${namespace ? `/namespaces/${encodeURIComponent(namespace)}` : ''}/${resource.plural}`
  return {
    path: `${collection}?fieldManager=${FIELD_MANAGER[verb]}&fieldValidation=Strict`,
    body,
    label: `${String(doc.kind)} ${namespace ? `${namespace}/` : ''}${name}`
  }
}

/**
 * The POSTs kubectl would make for each document of the manifest, in order, when none of its objects
 * exists yet; or why kubectl must do it instead.
 */
export function planManifest(manifest: string, verb: ManifestVerb): ManifestPlan {
  const separator = manifest.split('\n').find(line => line.startsWith('---') && line.trimEnd() !== '---')
  if (separator !== undefined) return { unsupported: `a document separator with more on its line (${JSON.stringify(separator)})` }
  const objects: PlannedObject[] = []
  for (const text of splitYAMLDocuments(manifest)) {
    let doc: JsonValue
    try {
      doc = decodeYAML(text)
    } catch (error) {
      return { unsupported: `a document that does not parse (${String(error)})` }
    }
    // (kubectl skips empty documents too)
    if (doc === null) continue
    const planned = planObject(doc, verb)
    if (typeof planned === 'string') return { unsupported: planned }
    objects.push(planned)
  }
  return { objects }
}

/** Thrown when the API server refuses an object: what kubectl would have failed with too. */
export class ManifestObjectError extends Error {
  override name = 'ManifestObjectError'
}

/** The API server's own reason, from its Status body when it sent one. */
function refusal(status: number, body: string): string {
  try {
    const message = (JSON.parse(body) as { message?: unknown }).message
    if (typeof message === 'string' && message) return `${status}: ${message}`
  } catch {
    // not a Status: the raw body says what there is to say
  }
  return `${status}: ${body.trim().slice(0, 300) || 'no body'}`
}

export interface CreateObjectsOptions {
  /** Settles when waiting for the API server to answer no longer makes sense. */
  giveUp: Promise<unknown>
  pollMs?: number
}

export type CreateOutcome = 'created' | 'no answer' | { alreadyThere: string }

/**
 * Creates the planned objects one after another, as kubectl does. The first is retried while the API
 * server is not up yet: 'no answer' when giveUp settled first (nothing was created then). An object
 * already there stops it with that object's label (kubectl create fails on it; kubectl apply updates
 * it); any other refusal throws ManifestObjectError naming the object.
 */
export async function createManifestObjects(api: Pick<KubeApi, 'request'>, objects: PlannedObject[], options: CreateObjectsOptions): Promise<CreateOutcome> {
  const post = (object: PlannedObject) =>
    api.request('POST', object.path, object.body, 5_000).then(
      r => r,
      (error: unknown) => ({ status: 0, body: String(error) })
    )
  for (const [index, object] of objects.entries()) {
    const answer = index === 0 ? await whenUp(() => post(object), options.giveUp, options.pollMs) : await post(object)
    if (answer.status === 201) continue
    if (answer.status === 409) return { alreadyThere: object.label }
    if (index === 0 && notUpYet(answer.status)) return 'no answer'
    throw new ManifestObjectError(`the API server did not create ${object.label} (${refusal(answer.status, answer.body)})`)
  }
  return 'created'
}
