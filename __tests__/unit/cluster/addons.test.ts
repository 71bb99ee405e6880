// When the default CNI and storage go in through the API server from the action, and when kubectl in
// the node does it instead (kind's way), with the reason said. Docker and the API server are stand-ins
// here because the cases (a manifest with kinds we do not make, an API server the host cannot reach, an
// object already there) are not what the project's node image and a healthy cluster produce; the
// ordinary path runs for real in every e2e creation, and e2e/cluster-parity compares its objects with kind's.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { installDefaultCni, installDefaultStorage, type AddonTarget } from '../../../src/cluster/addons.js'
import type { ApiResponse } from '../../../src/cluster/kube-api.js'
import { applyDefaults } from '../../../src/config/defaults.js'
import { fakeDocker } from '../logs/fake-docker.js'

const cluster = applyDefaults({}, { defaultImage: 'kindest/node:v1.34.4', cwd: '/w' })
/** The project node image's own manifest, as the node holds it. */
const CNI = readFileSync(join(__dirname, '../../../hack/images/node/manifests/default-cni.yaml'), 'utf8')
const CRD = 'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: things.example.com\n'

function setup(files: Record<string, string>, answers: (number | Error)[]) {
  const docker = fakeDocker([{ name: 'n', role: 'control-plane', cluster: 'c' }], (_, command) => {
    if (command[0] === 'cat') return files[command[1]!] === undefined ? { exitCode: 1, stderr: 'No such file' } : { stdout: files[command[1]!] }
    return {}
  })
  const posted: string[] = []
  const api = {
    request(method: string, path: string): Promise<ApiResponse> {
      posted.push(`${method} ${path.split('?')[0]}`)
      const answer = answers[Math.min(posted.length - 1, answers.length - 1)]
      return answer instanceof Error ? Promise.reject(answer) : Promise.resolve({ status: answer!, body: '' })
    }
  }
  let markAdminUsable!: () => void
  const notes: string[] = []
  const target: AddonTarget = {
    docker,
    node: 'n',
    api: () => Promise.resolve(api),
    adminConfUsable: new Promise<void>(resolve => (markAdminUsable = resolve)),
    note: line => notes.push(line)
  }
  const kubectlRuns = () => docker.commands.filter(c => c.startsWith('n: kubectl'))
  return { target, posted, notes, kubectlRuns, markAdminUsable }
}

describe('installing the default CNI and storage', () => {
  it('makes the objects through the API server and starts no kubectl', async () => {
    const { target, posted, notes, kubectlRuns } = setup({ '/kind/manifests/default-cni.yaml': CNI }, [201])
    await installDefaultCni(target, cluster)
    expect(posted.length).toBeGreaterThan(1)
    expect(kubectlRuns()).toEqual([])
    expect(notes).toEqual([])
  })

  it("leaves a manifest with kinds it does not make to kubectl create, once admin.conf is usable, and says why", async () => {
    const { target, posted, notes, kubectlRuns, markAdminUsable } = setup({ '/kind/manifests/default-cni.yaml': CRD }, [201])
    const installing = installDefaultCni(target, cluster)
    await new Promise(resolve => setTimeout(resolve, 20))
    expect(kubectlRuns()).toEqual([])
    markAdminUsable()
    await installing
    expect(posted).toEqual([])
    expect(kubectlRuns()).toEqual(['n: kubectl --kubeconfig=/etc/kubernetes/admin.conf create -f -'])
    expect(notes).toEqual([
      'Installing the default CNI with kubectl in n, as kind does: the manifest has an object of a kind not made here (apiextensions.k8s.io/v1/CustomResourceDefinition)'
    ])
  })

  it('falls back to kubectl apply when the API server never answered the action before admin.conf was usable', async () => {
    const { target, notes, kubectlRuns, markAdminUsable } = setup({}, [new Error('connect ECONNREFUSED')])
    const installing = installDefaultStorage(target)
    await new Promise(resolve => setTimeout(resolve, 20))
    markAdminUsable()
    await installing
    expect(kubectlRuns()).toEqual(['n: kubectl --kubeconfig=/etc/kubernetes/admin.conf apply -f -'])
    expect(notes[0]).toContain('the API server did not answer the action before kubeadm made admin.conf usable')
  })

  it('leaves an object already there to kubectl apply, which updates it', async () => {
    const { target, notes, kubectlRuns, markAdminUsable } = setup({}, [409])
    markAdminUsable()
    await installDefaultStorage(target)
    expect(kubectlRuns()).toEqual(['n: kubectl --kubeconfig=/etc/kubernetes/admin.conf apply -f -'])
    expect(notes).toEqual(['Installing the default storage with kubectl in n, as kind does: StorageClass standard already exists, which kubectl apply updates'])
  })

  it('fails, naming the object, when one of the CNI objects is already there: kind\'s kubectl create would too', async () => {
    const { target, kubectlRuns } = setup({ '/kind/manifests/default-cni.yaml': CNI }, [201, 409])
    await expect(installDefaultCni(target, cluster)).rejects.toThrow(/^installing the default CNI: ClusterRole \S+ already exists \(kubectl create, which kind runs, fails on it too\)$/)
    expect(kubectlRuns()).toEqual([])
  })

  it('uses kubectl when there is no client for the API server (no super-admin.conf before Kubernetes 1.29)', async () => {
    const { target, notes, kubectlRuns, markAdminUsable } = setup({}, [201])
    target.api = () => Promise.reject(new Error('command failed on node n (exit code 1): cat /etc/kubernetes/super-admin.conf'))
    markAdminUsable()
    await installDefaultStorage(target)
    expect(kubectlRuns()).toEqual(['n: kubectl --kubeconfig=/etc/kubernetes/admin.conf apply -f -'])
    expect(notes[0]).toContain('no client for the API server (Error: command failed on node n (exit code 1): cat /etc/kubernetes/super-admin.conf)')
  })
})
