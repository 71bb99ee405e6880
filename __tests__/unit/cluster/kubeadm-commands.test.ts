import { describe, expect, it } from 'vitest'
import { apiServerHealthyWatcher, skipsCertificatePhases } from '../../../src/cluster/kubeadm-commands.js'

describe('skipsCertificatePhases', () => {
  it("is false for kind's own config, which skips only preflight", () => {
    const conf = 'kind: InitConfiguration\nskipPhases:\n  - preflight\n---\nkind: JoinConfiguration\nskipPhases:\n  - preflight\n'
    expect(skipsCertificatePhases(conf)).toBe(false)
  })

  it.each([
    ['certs', 'skipPhases:\n  - preflight\n  - certs/ca\n'],
    ['kubeconfig', 'skipPhases:\n- kubeconfig\n'],
    ['control-plane-prepare', 'skipPhases:\n  - preflight\n  - control-plane-prepare/certs\n']
  ])('is true when a patch skips %s, so that nothing is made ahead that kubeadm was told not to make', (_phase, conf) => {
    expect(skipsCertificatePhases(`kind: InitConfiguration\n${conf}`)).toBe(true)
  })

  it('ignores the words elsewhere in the config', () => {
    expect(skipsCertificatePhases('certificatesDir: /etc/kubernetes/pki\nextraArgs:\n  - name: kubeconfig\n')).toBe(false)
  })
})

/** The lines the watcher fires at, over one run of kubeadm init's stdout. */
function firings(lines: string[]): string[] {
  const watcher = apiServerHealthyWatcher()
  return lines.filter(line => watcher(line))
}

// kubeadm v1.34.4's stdout for kind's `kubeadm init` (certificates made ahead), as captured from a node of ours.
const INIT_V1_34 = [
  '[certs] Using existing ca certificate authority',
  '[kubeconfig] Using existing kubeconfig file: "/etc/kubernetes/admin.conf"',
  '[etcd] Creating static Pod manifest for local etcd in "/etc/kubernetes/manifests"',
  '[control-plane] Creating static Pod manifest for "kube-apiserver"',
  '[kubelet-start] Starting the kubelet',
  '[wait-control-plane] Waiting for the kubelet to boot up the control plane as static Pods from directory "/etc/kubernetes/manifests"',
  '[kubelet-check] The kubelet is healthy after 1.01490313s',
  '[control-plane-check] Waiting for healthy control plane components. This can take up to 4m0s',
  '[control-plane-check] Checking kube-apiserver at https://172.24.0.2:6443/livez',
  '[control-plane-check] kube-controller-manager is healthy after 1.748191005s',
  '[control-plane-check] kube-scheduler is healthy after 3.169033655s',
  '[control-plane-check] kube-apiserver is healthy after 5.50566376s',
  '[upload-config] Storing the configuration used in ConfigMap "kubeadm-config" in the "kube-system" Namespace',
  '[mark-control-plane] Marking the node kind-control-plane as control-plane by adding the taints [node-role.kubernetes.io/control-plane:NoSchedule]',
  '[addons] Applied essential addon: CoreDNS'
]

describe('apiServerHealthyWatcher', () => {
  it("fires once, when kubeadm 1.34 says the API server is healthy (not at the other components' lines)", () => {
    expect(firings(INIT_V1_34)).toEqual(['[control-plane-check] kube-apiserver is healthy after 5.50566376s'])
  })

  it('fires at the line older kubeadm prints for all components at once', () => {
    const older = [
      '[wait-control-plane] Waiting for the kubelet to boot up the control plane as static Pods from directory "/etc/kubernetes/manifests". This can take up to 4m0s',
      '[apiclient] All control plane components are healthy after 6.503125 seconds',
      '[upload-config] Storing the configuration used in ConfigMap "kubeadm-config" in the "kube-system" Namespace'
    ]
    expect(firings(older)).toEqual([older[1]])
  })

  it('falls back to the config upload, which needs the API server, when no health line matches', () => {
    expect(firings(INIT_V1_34.filter(line => !line.includes('kube-apiserver is healthy')))).toEqual([INIT_V1_34[12]])
  })

  it('never fires before the API server answers, nor for a line that only mentions it', () => {
    expect(firings(INIT_V1_34.slice(0, 11))).toEqual([])
    expect(firings(['I1127 05:21:08 round_trippers.go] "Response" url="https://x:6443/livez" [upload-config]'])).toEqual([])
  })
})
