// How kubeadm init and join are run, from the kubeadm.conf our renderer writes for the node (the same
// text the nodes get), and the kubeadm line that starts kubelet-finalize alongside init.
import { describe, expect, it } from 'vitest'
import { initConfigurationSkipPhases, kubeadmJoinArgs } from '../../../src/cluster/kubeadm-commands.js'
import { controlPlaneStartedWatcher, planInit } from '../../../src/cluster/kubelet-finalize.js'
import { kubeadmConfigForNode } from '../../../src/kubeadm/render.js'
import { makeCluster, type ClusterSpec } from '../kubeadm/scenarios.js'

const KIND_INIT = ['init', '--config=/kind/kubeadm.conf', '--skip-token-print', '--v=6']

function kubeadmConf(version: string, spec: ClusterSpec = {}, nodeIndex = 0): string {
  const cluster = makeCluster(spec)
  const node = cluster.nodes[nodeIndex]!
  return kubeadmConfigForNode(cluster, node, 'kind-control-plane', { ipv4: '172.18.0.2', ipv6: '' }, version, 'kind-control-plane:6443')
}

describe('planInit', () => {
  it.each(['v1.23.0', 'v1.34.4', 'v1.36.0'])(
    'on %s skips what the config skips plus kubelet-finalize, which runs alongside init',
    version => {
      const conf = kubeadmConf(version)
      expect(initConfigurationSkipPhases(conf)).toEqual(['preflight'])
      expect(planInit(conf, 'iptables')).toEqual({ args: [...KIND_INIT, '--skip-phases=preflight,kubelet-finalize'], finalizeAlongside: true })
    }
  )

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

/** The lines the watcher fires at, over one run of kubeadm init's stdout. */
function firings(lines: string[]): string[] {
  const watcher = controlPlaneStartedWatcher()
  return lines.filter(line => watcher(line))
}

// kubeadm v1.34.4's stdout for init, as captured from a node of ours.
const INIT_V1_34 = [
  '[kubelet-start] Starting the kubelet',
  '[wait-control-plane] Waiting for the kubelet to boot up the control plane as static Pods from directory "/etc/kubernetes/manifests"',
  '[kubelet-check] Waiting for a healthy kubelet at http://127.0.0.1:10248/healthz. This can take up to 4m0s',
  '[kubelet-check] The kubelet is healthy after 1.002639936s',
  '[control-plane-check] Waiting for healthy control plane components. This can take up to 4m0s',
  '[control-plane-check] Checking kube-apiserver at https://172.24.0.3:6443/livez',
  '[control-plane-check] Checking kube-controller-manager at https://127.0.0.1:10257/healthz',
  '[control-plane-check] kube-controller-manager is healthy after 1.75032709s',
  '[control-plane-check] kube-scheduler is healthy after 4.914231975s',
  '[control-plane-check] kube-apiserver is healthy after 8.003880408s',
  '[upload-config] Storing the configuration used in ConfigMap "kubeadm-config" in the "kube-system" Namespace'
]

describe('controlPlaneStartedWatcher', () => {
  it('fires once, at the first control-plane component kubeadm 1.34 finds healthy', () => {
    expect(firings(INIT_V1_34)).toEqual(['[control-plane-check] kube-controller-manager is healthy after 1.75032709s'])
  })

  it('does not fire while the kubelet itself is still being checked', () => {
    expect(firings(INIT_V1_34.slice(0, 7))).toEqual([])
  })

  it("fires at older kubeadm's line for all components, else at the config upload", () => {
    expect(firings(['[apiclient] All control plane components are healthy after 6.503125 seconds', INIT_V1_34[10]!])).toEqual([
      '[apiclient] All control plane components are healthy after 6.503125 seconds'
    ])
    expect(firings([...INIT_V1_34.slice(0, 7), INIT_V1_34[10]!])).toEqual([INIT_V1_34[10]])
  })
})
