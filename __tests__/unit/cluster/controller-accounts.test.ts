// Which of the controller manager's service accounts are made ahead of it, from the kubeadm.conf our
// renderer writes (the text the node gets) and the node's Kubernetes version. That the accounts made
// equal kind's is shown on a real cluster next to one made by the kind CLI (e2e/cluster-parity).
import { describe, expect, it } from 'vitest'
import { CONTROLLER_ACCOUNTS, createControllerAccounts, planControllerAccounts } from '../../../src/cluster/controller-accounts.js'
import { KubeApi, type ApiResponse } from '../../../src/cluster/kube-api.js'
import type { ClusterSpec } from '../kubeadm/scenarios.js'
import { renderedKubeadmConf } from './kubeadm-output.js'

const kubeadmConf = renderedKubeadmConf

const patch = (text: string): ClusterSpec => ({ kubeadmConfigPatches: [text] })

describe('planControllerAccounts', () => {
  it.each(['v1.31.14', 'v1.34.4', 'v1.35.0-alpha.2.100+0123456789abcd', 'v1.36.1', 'v1.37.2'])('makes the accounts on %s with kind\'s own config', version => {
    expect(planControllerAccounts(kubeadmConf(version), version)).toEqual({ names: CONTROLLER_ACCOUNTS })
  })

  it('lists each account once, including the two controllers kubeadm turns on', () => {
    expect(new Set(CONTROLLER_ACCOUNTS).size).toBe(CONTROLLER_ACCOUNTS.length)
    expect(CONTROLLER_ACCOUNTS).toEqual(expect.arrayContaining(['bootstrap-signer', 'token-cleaner', 'daemon-set-controller', 'replicaset-controller']))
  })

  it('leaves out controllers behind a feature gate or off by default', () => {
    for (const gated of ['resource-claim-controller', 'service-cidrs-controller', 'volumeattributesclass-protection-controller', 'validatingadmissionpolicy-status-controller', 'selinux-warning-controller']) {
      expect(CONTROLLER_ACCOUNTS).not.toContain(gated)
    }
  })

  it.each([
    ['v1.30.13', 'not v1.30.13'],
    ['v1.38.0', 'not v1.38.0'],
    ['v2.0.0', 'not v2.0.0']
  ])('leaves them to the controller manager on %s, whose controllers were not read', (version, reason) => {
    const plan = planControllerAccounts(kubeadmConf('v1.34.4'), version)
    expect(plan).toEqual({ skip: expect.stringContaining(reason) })
    expect((plan as { skip: string }).skip).toContain('1.31-1.37')
  })

  it('says so when the version cannot be read', () => {
    expect(planControllerAccounts(kubeadmConf('v1.34.4'), 'unknown')).toEqual({ skip: 'its Kubernetes version "unknown" could not be read' })
  })

  it('leaves them when a patch chooses the controllers (kubeadm v1beta3 extraArgs map)', () => {
    const conf = kubeadmConf('v1.34.4', patch('kind: ClusterConfiguration\ncontrollerManager:\n  extraArgs:\n    controllers: "*,-ttl-controller"\n'))
    expect(conf).toContain('controllers:')
    expect(planControllerAccounts(conf, 'v1.34.4')).toEqual({ skip: "the config sets the controller manager's --controllers" })
  })

  it('leaves them when a patch turns service-account credentials off (kubeadm v1beta4 extraArgs list)', () => {
    const spec = patch(
      'kind: ClusterConfiguration\ncontrollerManager:\n  extraArgs:\n  - name: use-service-account-credentials\n    value: "false"\n'
    )
    const conf = kubeadmConf('v1.36.1', spec)
    expect(conf).toContain('apiVersion: kubeadm.k8s.io/v1beta4')
    expect(planControllerAccounts(conf, 'v1.36.1')).toEqual({ skip: "the config sets the controller manager's --use-service-account-credentials" })
  })

  it("still makes them with the controller manager's other flags (kind's own and a user's)", () => {
    const conf = kubeadmConf('v1.34.4', patch('kind: ClusterConfiguration\ncontrollerManager:\n  extraArgs:\n    v: "4"\n'))
    expect(conf).toContain('enable-hostpath-provisioner')
    expect(planControllerAccounts(conf, 'v1.34.4')).toEqual({ names: CONTROLLER_ACCOUNTS })
  })

  it("leaves them when kubeadm is given a patches directory, which can change the controller manager's manifest", () => {
    const conf = kubeadmConf('v1.34.4', patch('kind: InitConfiguration\npatches:\n  directory: /patches\n'))
    expect(planControllerAccounts(conf, 'v1.34.4')).toEqual({ skip: expect.stringContaining('patches directory') })
  })
})

// The API server's answers while it starts cannot be provoked on a real one in order, so a scripted
// stand-in answers here (requests are recorded as they come); e2e/cluster-parity runs the real one.
function scriptedApi(firstAnswers: (number | Error)[], restAnswer: (name: string) => number) {
  const requests: string[] = []
  let firstCalls = 0
  const api = {
    request(method: string, path: string, body?: unknown): Promise<ApiResponse> {
      const name = (body as { metadata: { name: string } }).metadata.name
      requests.push(`${method} ${path} ${name}`)
      if (name === 'first') {
        const answer = firstAnswers[Math.min(firstCalls++, firstAnswers.length - 1)]
        return answer instanceof Error ? Promise.reject(answer) : Promise.resolve({ status: answer, body: '' })
      }
      return Promise.resolve({ status: restAnswer(name), body: '' })
    }
  }
  return { api, requests }
}

const never = new Promise<void>(() => undefined)

describe('createControllerAccounts', () => {
  it('tries one account until the API server takes it (refused, starting, no kube-system yet), then the rest at once', async () => {
    const { api, requests } = scriptedApi([new Error('connect ECONNREFUSED'), 503, 404, 429, 201], name => (name === 'b' ? 409 : 201))
    const made = await createControllerAccounts(api, ['first', 'a', 'b'], { stop: never, pollMs: 1 })
    expect(made).toEqual({ created: 2, existing: 1 })
    expect(requests).toEqual([
      ...Array(5).fill('POST /api/v1/namespaces/kube-system/serviceaccounts first'),
      'POST /api/v1/namespaces/kube-system/serviceaccounts a',
      'POST /api/v1/namespaces/kube-system/serviceaccounts b'
    ])
  })

  it('gives up without error once told to stop (kubeadm init over) before the API server answered', async () => {
    const { api, requests } = scriptedApi([new Error('socket hang up')], () => 201)
    let stop!: () => void
    const stopped = new Promise<void>(resolve => (stop = resolve))
    const made = createControllerAccounts(api, ['first', 'a'], { stop: stopped, pollMs: 5 })
    await new Promise(resolve => setTimeout(resolve, 30))
    stop()
    expect(await made).toBeUndefined()
    expect(requests.every(r => r.endsWith(' first'))).toBe(true)
  })

  it('fails, naming the status, when the API server refuses the credentials', async () => {
    const { api } = scriptedApi([403], () => 201)
    await expect(createControllerAccounts(api, ['first', 'a'], { stop: never, pollMs: 1 })).rejects.toThrow(
      'the API server answered 403 to creating service account first'
    )
  })

  it('fails, naming them, when some of the rest are not taken', async () => {
    const { api } = scriptedApi([201], name => (name === 'b' ? 422 : 201))
    await expect(createControllerAccounts(api, ['first', 'a', 'b'], { stop: never, pollMs: 1 })).rejects.toThrow(
      'the API server did not take service accounts b (422)'
    )
  })
})

describe('KubeApi', () => {
  it('names the kubeconfig and the missing field when the credentials are not embedded', () => {
    const doc = { clusters: [{ name: 'k', cluster: { server: 'https://x:6443' } }], users: [{ name: 'u', user: { 'client-certificate': '/a.crt' } }] }
    expect(() => new KubeApi('https://127.0.0.1:1', doc, '/etc/kubernetes/super-admin.conf')).toThrow(
      '/etc/kubernetes/super-admin.conf: no certificate-authority-data (expected it embedded, as kubeadm writes it)'
    )
  })
})
