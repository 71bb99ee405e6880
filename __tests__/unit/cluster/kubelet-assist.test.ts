import { describe, expect, it } from 'vitest'
import { kubeletStartedWatcher } from '../../../src/cluster/kubelet-assist.js'

describe('kubeletStartedWatcher', () => {
  it("fires once, at kubeadm's line after it starts the kubelet", () => {
    const watch = kubeletStartedWatcher()
    const lines = [
      '[kubelet-start] Starting the kubelet',
      '[wait-control-plane] Waiting for the kubelet to boot up the control plane as static Pods from directory "/etc/kubernetes/manifests"',
      '[kubelet-check] Waiting for a healthy kubelet at http://127.0.0.1:10248/healthz. This can take up to 4m0s',
      '[kubelet-check] The kubelet is healthy after 501.686439ms',
      '[kubelet-check] Waiting for a healthy kubelet at http://127.0.0.1:10248/healthz. This can take up to 4m0s'
    ]
    expect(lines.map(watch)).toEqual([false, false, true, false, false])
  })
})
