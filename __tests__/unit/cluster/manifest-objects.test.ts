// The objects the action makes for a manifest instead of kubectl: the requests planned from the text,
// kubectl apply's annotation byte for byte (against what the real kubectl wrote, recorded in
// fixtures/kubectl), and what is left to kubectl. That a whole cluster's objects come out as kind's is
// shown next to one made by the kind CLI (e2e/cluster-parity).
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { ApiResponse } from '../../../src/cluster/kube-api.js'
import { createManifestObjects, lastAppliedConfiguration, planManifest, type PlannedObject } from '../../../src/cluster/manifest-objects.js'
import { prepareCniManifest } from '../../../src/kubeadm/cni.js'
import { goJson } from '../../../src/kubeadm/go-json.js'

const FIXTURES = join(__dirname, '../../fixtures')
/** The project node image's CNI manifest, prepared as for a default cluster. */
const kindnet = prepareCniManifest(readFileSync(join(__dirname, '../../../hack/images/node/manifests/default-cni.yaml'), 'utf8'), '10.244.0.0/16', 'kind-control-plane:6443')
/** The renderer's golden prepared manifest: a stand-in CNI whose ConfigMap holds a float. */
const tinynet = readFileSync(join(FIXTURES, 'kubeadm/cni-ipv4.yaml'), 'utf8')
const kubectlDir = join(FIXTURES, 'kubectl')
const applied = readFileSync(join(kubectlDir, 'apply-manifest.yaml'), 'utf8')
/** name -> the annotation the real kubectl apply wrote on the object it created (see fixtures/kubectl/README.md). */
const recorded = JSON.parse(readFileSync(join(kubectlDir, 'apply-annotations.json'), 'utf8')) as Record<string, string>

const objects = (manifest: string, verb: 'create' | 'apply'): PlannedObject[] => {
  const plan = planManifest(manifest, verb)
  if ('unsupported' in plan) throw new Error(plan.unsupported)
  return plan.objects
}

describe('goJson', () => {
  it("sorts keys in byte order and escapes as Go's json.Marshal does", () => {
    expect(goJson({ b: 1, a: [true, null, 'x'], B: { z: '', y: -3 } })).toBe('{"B":{"y":-3,"z":""},"a":[true,null,"x"],"b":1}')
    expect(goJson('a<b>&c\u2028\u2029"\\\n\t\b\f\u0001é')).toBe('"a\\u003cb\\u003e\\u0026c\\u2028\\u2029\\"\\\\\\n\\t\\b\\f\\u0001é"')
  })
})

describe('planManifest', () => {
  it("plans kubectl create's requests for the node image's prepared CNI manifest, in file order, skipping its null document", () => {
    expect(kindnet.startsWith('null\n---\n')).toBe(true)
    const planned = objects(kindnet, 'create')
    expect(planned.map(o => `${o.label} ${o.path}`)).toEqual([
      'ServiceAccount kube-system/kindnet /api/v1/namespaces/kube-system/serviceaccounts?fieldManager=kubectl-create&fieldValidation=Strict',
      'ClusterRole kindnet /apis/rbac.authorization.k8s.io/v1/clusterroles?fieldManager=kubectl-create&fieldValidation=Strict',
      'ClusterRoleBinding kindnet /apis/rbac.authorization.k8s.io/v1/clusterrolebindings?fieldManager=kubectl-create&fieldValidation=Strict',
      'DaemonSet kube-system/kindnet /apis/apps/v1/namespaces/kube-system/daemonsets?fieldManager=kubectl-create&fieldValidation=Strict'
    ])
    // create sends the objects as written: no annotation of kubectl's.
    expect(planned.some(o => JSON.stringify(o.body).includes('last-applied-configuration'))).toBe(false)
    const env = JSON.stringify((planned[3]!.body as { spec: unknown }).spec)
    expect(env).toContain('{"name":"POD_SUBNET","value":"10.244.0.0/16"}')
    expect(env).toContain('{"name":"CONTROL_PLANE_ENDPOINT","value":"kind-control-plane:6443"}')
  })

  it("leaves the renderer's golden stand-in CNI, whose ConfigMap holds a float (0.5), to kubectl", () => {
    expect(planManifest(tinynet, 'create')).toEqual({ unsupported: 'v1/ConfigMap tinynet-config holds a number that is not a safe integer' })
  })

  it('gives namespaced objects without a namespace "default" and drops a cluster-scoped one\'s, as kubectl does', () => {
    const planned = objects('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\napiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata:\n  name: s\n  namespace: kube-system\nprovisioner: x\n', 'create')
    expect(planned.map(o => o.path.split('?')[0])).toEqual(['/api/v1/namespaces/default/configmaps', '/apis/storage.k8s.io/v1/storageclasses'])
    expect((planned[0]!.body.metadata as { namespace: string }).namespace).toBe('default')
    expect(planned[1]!.body.metadata).toEqual({ name: 's' })
  })

  it("writes kubectl apply's last-applied-configuration exactly as the real kubectl did", () => {
    const planned = objects(applied, 'apply')
    expect(planned.length).toBe(Object.keys(recorded).length)
    for (const object of planned) {
      expect(object.path).toContain('?fieldManager=kubectl-client-side-apply&fieldValidation=Strict')
      const annotations = (object.body.metadata as { annotations: Record<string, string> }).annotations
      expect({ [object.label]: annotations['kubectl.kubernetes.io/last-applied-configuration'] }).toEqual({ [object.label]: recorded[object.label] })
    }
  })

  it('keeps the annotations an object has beside the one it adds, and leaves that one out of itself', () => {
    const [object] = objects('apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ns1\n  annotations:\n    a: "1"\n', 'apply')
    const annotations = (object!.body.metadata as { annotations: Record<string, string> }).annotations
    expect(annotations.a).toBe('1')
    expect(annotations['kubectl.kubernetes.io/last-applied-configuration']).toBe('{"apiVersion":"v1","kind":"Namespace","metadata":{"annotations":{"a":"1"},"name":"ns1"}}\n')
    expect(lastAppliedConfiguration(object!.body)).toBe(annotations['kubectl.kubernetes.io/last-applied-configuration'])
  })

  it.each([
    ['an unknown kind', 'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: x\n', 'a kind not made here (apiextensions.k8s.io/v1/CustomResourceDefinition)'],
    ['an old apiVersion of a known kind', 'apiVersion: extensions/v1beta1\nkind: DaemonSet\nmetadata:\n  name: x\n', 'a kind not made here (extensions/v1beta1/DaemonSet)'],
    ['a List', 'apiVersion: v1\nkind: List\nmetadata:\n  name: l\nitems: []\n', 'a kind not made here (v1/List)'],
    ['a separator with text after it', 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n--- # next\n', 'a document separator with more on its line'],
    ['a float', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: f\nx: 1.5\n', 'v1/ConfigMap f holds a number that is not a safe integer'],
    ['no name', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  generateName: g-\n', 'not an object with a metadata.name'],
    ['annotations that are not strings', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  annotations:\n    on: yes\n', 'metadata.annotations that are not a map of strings'],
    ['text that does not parse', 'apiVersion: v1\nkind: [\n', 'a document that does not parse']
  ])('leaves a manifest with %s to kubectl, saying why', (_, manifest, reason) => {
    const plan = planManifest(manifest, 'apply')
    expect(plan).toEqual({ unsupported: expect.stringContaining(reason) })
  })
})

// The API server's answers while it starts, or refusals, cannot be provoked on a real one in order, so
// a scripted stand-in answers here (requests recorded as they come); e2e/cluster-parity runs the real one.
function scriptedApi(answers: (number | Error)[]) {
  const requests: string[] = []
  const api = {
    request(method: string, path: string, body?: unknown): Promise<ApiResponse> {
      requests.push(`${method} ${path.split('?')[0]} ${(body as { metadata: { name: string } }).metadata.name}`)
      const answer = answers[Math.min(requests.length - 1, answers.length - 1)]
      if (answer instanceof Error) return Promise.reject(answer)
      return Promise.resolve({ status: answer!, body: answer === 422 ? '{"kind":"Status","message":"DaemonSet.apps \\"kindnet\\" is invalid: spec.template: Required value"}' : '' })
    }
  }
  return { api, requests }
}

const never = new Promise<void>(() => undefined)
const cni = objects(kindnet, 'create')

describe('createManifestObjects', () => {
  it('retries the first object while the API server starts (refused, 5xx, no kube-system yet, 429), then makes the rest in order', async () => {
    const { api, requests } = scriptedApi([new Error('connect ECONNREFUSED'), 503, 404, 429, 201, 201, 201, 201])
    expect(await createManifestObjects(api, cni, { giveUp: never, pollMs: 1 })).toBe('created')
    expect(requests).toEqual([
      ...Array(5).fill('POST /api/v1/namespaces/kube-system/serviceaccounts kindnet'),
      'POST /apis/rbac.authorization.k8s.io/v1/clusterroles kindnet',
      'POST /apis/rbac.authorization.k8s.io/v1/clusterrolebindings kindnet',
      'POST /apis/apps/v1/namespaces/kube-system/daemonsets kindnet'
    ])
  })

  it('says so, having made nothing, when told to give up before the API server answered', async () => {
    const { api, requests } = scriptedApi([new Error('socket hang up')])
    let giveUp!: () => void
    const given = new Promise<void>(resolve => (giveUp = resolve))
    const outcome = createManifestObjects(api, cni, { giveUp: given, pollMs: 5 })
    await new Promise(resolve => setTimeout(resolve, 30))
    giveUp()
    expect(await outcome).toBe('no answer')
    expect(new Set(requests)).toEqual(new Set(['POST /api/v1/namespaces/kube-system/serviceaccounts kindnet']))
  })

  it('stops at an object that is already there, naming it', async () => {
    const { api, requests } = scriptedApi([201, 409, 201])
    expect(await createManifestObjects(api, cni, { giveUp: never, pollMs: 1 })).toEqual({ alreadyThere: 'ClusterRole kindnet' })
    expect(requests.length).toBe(2)
  })

  it("fails with the API server's own reason, naming the object, when it refuses one", async () => {
    const { api } = scriptedApi([201, 201, 201, 422])
    await expect(createManifestObjects(api, cni, { giveUp: never, pollMs: 1 })).rejects.toThrow(
      'the API server did not create DaemonSet kube-system/kindnet (422: DaemonSet.apps "kindnet" is invalid: spec.template: Required value)'
    )
  })

  it('does not retry a later object the API server cannot find the namespace for', async () => {
    const { api, requests } = scriptedApi([201, 201, 201, 404])
    await expect(createManifestObjects(api, cni, { giveUp: never, pollMs: 1 })).rejects.toThrow('did not create DaemonSet kube-system/kindnet (404: no body)')
    expect(requests.length).toBe(4)
  })
})
