import { describe, expect, it } from 'vitest'
import { etcdMemberJoinedWatcher } from '../../../src/cluster/join-assist.js'

/** Fires the watcher over kubeadm's stdout; returns the line it fired at, if any, and how often. */
function firstFiring(lines: string[]): { at?: string; times: number } {
  const watcher = etcdMemberJoinedWatcher()
  const fired = lines.filter(line => watcher(line))
  return { at: fired[0], times: fired.length }
}

// kubeadm v1.34.4's stdout for `kubeadm join` of a control plane (ControlPlaneKubeletLocalMode: the
// kubelet starts before etcd joins), as captured from a node of ours.
const V1_34 = [
  '[preflight] Reading configuration from the "kubeadm-config" ConfigMap in namespace "kube-system"...',
  '[certs] Using certificateDir folder "/etc/kubernetes/pki"',
  '[control-plane] Creating static Pod manifest for "kube-apiserver"',
  '[check-etcd] Checking that the etcd cluster is healthy',
  '[kubelet-start] Starting the kubelet',
  '[etcd] Announced new etcd member joining to the existing etcd cluster',
  '[etcd] Creating static Pod manifest for "etcd"',
  '[etcd] Waiting for the new etcd member to join the cluster. This can take up to 40s',
  '[kubelet-check] Waiting for a healthy kubelet at http://127.0.0.1:10248/healthz. This can take up to 4m0s',
  '[kubelet-check] The kubelet is healthy after 14.158745ms',
  '[kubelet-start] Waiting for the kubelet to perform the TLS Bootstrap',
  '[mark-control-plane] Marking the node kind-control-plane2 as control-plane by adding the labels: [...]',
  '[control-plane-check] Waiting for healthy control plane components. This can take up to 4m0s'
]

// Older kubeadm (before the kubelet talked to its local API server): TLS bootstrap first, etcd after.
const OLDER = [
  '[kubelet-start] Starting the kubelet',
  '[kubelet-start] Waiting for the kubelet to perform the TLS Bootstrap...',
  '[etcd] Announced new etcd member joining to the existing etcd cluster',
  '[etcd] Creating static Pod manifest for "etcd"',
  '[etcd] Waiting for the new etcd member to join the cluster. This can take up to 40s',
  '',
  'The \'update-status\' phase is deprecated and will be removed in a future release.',
  '[mark-control-plane] Marking the node kind-control-plane2 as control-plane by adding the labels: [...]'
]

describe('etcdMemberJoinedWatcher', () => {
  it('fires at the first phase after the etcd wait (kubeadm 1.34)', () => {
    expect(firstFiring(V1_34)).toEqual({ at: V1_34[8], times: 1 })
  })

  it('fires at the next phase line, not at plain text, when etcd joins after the TLS bootstrap', () => {
    expect(firstFiring(OLDER)).toEqual({ at: OLDER[7], times: 1 })
  })

  it('never fires for phase lines before the etcd wait', () => {
    expect(firstFiring(V1_34.slice(0, 7)).times).toBe(0)
  })

  it('never fires when kubeadm stops in the etcd phase (the join then fails and the turn passes on failure)', () => {
    expect(firstFiring([...V1_34.slice(0, 8), '[etcd] still waiting']).times).toBe(0)
  })

  it('never fires for a worker join, which has no etcd phase', () => {
    expect(
      firstFiring([
        '[preflight] Running pre-flight checks',
        '[kubelet-start] Starting the kubelet',
        '[kubelet-check] Waiting for a healthy kubelet at http://127.0.0.1:10248/healthz.',
        '[kubelet-start] Waiting for the kubelet to perform the TLS Bootstrap'
      ]).times
    ).toBe(0)
  })
})
