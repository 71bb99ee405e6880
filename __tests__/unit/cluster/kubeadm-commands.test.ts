import { describe, expect, it } from 'vitest'
import { skipsCertificatePhases } from '../../../src/cluster/kubeadm-commands.js'

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
