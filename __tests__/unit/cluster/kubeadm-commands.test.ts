import { describe, expect, it } from 'vitest'
import { apiServerHealthyWatcher, skipsCertificatePhases } from '../../../src/cluster/kubeadm-commands.js'
import { INIT_V1_34, firings as firingsOf, initLine } from './kubeadm-output.js'

const firings = (lines: string[]): string[] => firingsOf(apiServerHealthyWatcher, lines)

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

describe('apiServerHealthyWatcher', () => {
  it("fires once, when kubeadm 1.34 says the API server is healthy (not at the other components' lines)", () => {
    expect(firings(INIT_V1_34)).toEqual([initLine('[control-plane-check] kube-apiserver is healthy')])
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
    expect(firings(INIT_V1_34.filter(line => !line.includes('kube-apiserver is healthy')))).toEqual([initLine('[upload-config]')])
  })

  it('never fires before the API server answers, nor for a line that only mentions it', () => {
    expect(firings(INIT_V1_34.slice(0, INIT_V1_34.indexOf(initLine('[control-plane-check] kube-apiserver is healthy'))))).toEqual([])
    expect(firings(['I1127 05:21:08 round_trippers.go] "Response" url="https://x:6443/livez" [upload-config]'])).toEqual([])
  })
})
