// How kubeadm init and join are run, from the kubeadm.conf our renderer writes for the node (the same
// text the nodes get), and the kubeadm line saying the control plane's static pods run (at which the
// bootstrap node unpacks its own pods' images).
import { describe, expect, it } from 'vitest'
import { controlPlaneStartedWatcher, initConfigurationSkipPhases, kubeadmJoinArgs } from '../../../src/cluster/kubeadm-commands.js'
import { planInit } from '../../../src/cluster/kubelet-finalize.js'
import { INIT_V1_34, firings as firingsOf, initLine, renderedKubeadmConf } from './kubeadm-output.js'

const firings = (lines: string[]): string[] => firingsOf(controlPlaneStartedWatcher, lines)

const KIND_INIT = ['init', '--config=/kind/kubeadm.conf', '--skip-token-print', '--v=6']

const kubeadmConf = renderedKubeadmConf

describe('planInit', () => {
  it.each(['v1.23.0', 'v1.34.4', 'v1.36.0'])(
    'on %s skips what the config skips plus kubelet-finalize, which runs alongside init',
    version => {
      const conf = kubeadmConf(version)
      expect(initConfigurationSkipPhases(conf)).toEqual(['preflight'])
      expect(planInit(conf, 'iptables')).toEqual({ args: [...KIND_INIT, '--skip-phases=preflight,kubelet-finalize'], finalizeAlongside: true })
    }
  )

  it('with kubelet-finalize-alongside off, runs kind\'s own init: the config\'s skip list, kubelet-finalize included', () => {
    const conf = kubeadmConf('v1.37.2')
    expect(planInit(conf, 'iptables', false)).toEqual({ args: KIND_INIT, finalizeAlongside: false })
  })

  it("repeats every phase the config skips, since kubeadm's flag replaces the config's list", () => {
    const conf = kubeadmConf('v1.34.4', { networking: { kubeProxyMode: 'none' } })
    expect(initConfigurationSkipPhases(conf)).toEqual(['preflight', 'addon/kube-proxy'])
    expect(planInit(conf, 'none').args).toContain('--skip-phases=preflight,addon/kube-proxy,kubelet-finalize')
  })

  it('keeps phases a kubeadmConfigPatches entry adds to skipPhases', () => {
    const conf = kubeadmConf('v1.34.4', { kubeadmConfigPatches: ['kind: InitConfiguration\nskipPhases: [preflight, addon/coredns]\n'] })
    expect(planInit(conf, 'iptables').args).toContain('--skip-phases=preflight,addon/coredns,kubelet-finalize')
  })

  it.each(['kubelet-finalize', 'kubelet-finalize/enable-client-cert-rotation'])(
    'runs init as kind does, with nothing alongside, when a patch already skips %s',
    skipped => {
      const conf = kubeadmConf('v1.34.4', { kubeadmConfigPatches: [`kind: InitConfiguration\nskipPhases: [preflight, ${skipped}]\n`] })
      expect(planInit(conf, 'iptables')).toEqual({ args: KIND_INIT, finalizeAlongside: false })
    }
  )

  it('below 1.23 (kubeadm v1beta2, no skipPhases in the config) passes the flag kind passes and leaves kubelet-finalize to init', () => {
    const conf = kubeadmConf('v1.22.17')
    expect(conf).toContain('apiVersion: kubeadm.k8s.io/v1beta2')
    expect(initConfigurationSkipPhases(conf)).toBeUndefined()
    expect(planInit(conf, 'iptables')).toEqual({ args: [...KIND_INIT, '--skip-phases=preflight'], finalizeAlongside: false })
    expect(planInit(conf, 'none')).toEqual({ args: [...KIND_INIT, '--skip-phases=preflight,addon/kube-proxy'], finalizeAlongside: false })
  })
})

describe('kubeadmJoinArgs', () => {
  it("is kind's join: the config skips preflight from 1.23", () => {
    expect(kubeadmJoinArgs(kubeadmConf('v1.34.4'))).toEqual(['join', '--config', '/kind/kubeadm.conf', '--v=6'])
  })

  it('adds the preflight flag below 1.23, as kind does', () => {
    expect(kubeadmJoinArgs(kubeadmConf('v1.22.17'))).toEqual(['join', '--config', '/kind/kubeadm.conf', '--v=6', '--skip-phases=preflight'])
  })
})

describe('controlPlaneStartedWatcher', () => {
  it('fires once, at the first control-plane component kubeadm 1.34 finds healthy', () => {
    expect(firings(INIT_V1_34)).toEqual([initLine('[control-plane-check] kube-controller-manager is healthy')])
  })

  it('does not fire while the kubelet itself is still being checked', () => {
    expect(firings(INIT_V1_34.slice(0, INIT_V1_34.indexOf(initLine('[control-plane-check] kube-controller-manager is healthy'))))).toEqual([])
  })

  it("fires at older kubeadm's line for all components, else at the config upload", () => {
    expect(firings(['[apiclient] All control plane components are healthy after 6.503125 seconds', initLine('[upload-config]')])).toEqual([
      '[apiclient] All control plane components are healthy after 6.503125 seconds'
    ])
    const withoutHealthLines = INIT_V1_34.filter(line => !/ is healthy after /.test(line) || line.startsWith('[kubelet-check]'))
    expect(firings(withoutHealthLines)).toEqual([initLine('[upload-config]')])
  })
})
