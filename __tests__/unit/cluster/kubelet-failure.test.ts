import { describe, expect, it } from 'vitest'
import { KubeletStartError, kubeletStartFailure, withKubeletReason } from '../../../src/cluster/kubelet-failure.js'
import { NodeCommandError } from '../../../src/cluster/node-exec.js'
import { PhaseError } from '../../../src/cluster/phases.js'
import type { DockerPort } from '../../../src/docker/port.js'

// Lines as `journalctl -o cat -u kubelet` printed them on a node of this host (kubelet v1.37.2, a
// KubeletConfiguration with swapBehavior: LimitedSwap on cgroup v1).
const JOURNAL = [
  'I1207 11:49:52.124565     734 server.go:682] "Warning: MemoryQoS feature only works with cgroups v2 on Linux, but enabled with cgroups v1"',
  'E1207 11:49:52.743065     734 remote_runtime.go:1359] "RuntimeConfig from runtime service failed" err="rpc error: code = Unimplemented desc = unknown method RuntimeConfig for service runtime.v1.RuntimeService"',
  'E1207 11:49:52.772758     734 run.go:72] "command failed" err="failed to load kubelet config file, path: /var/lib/kubelet/config.yaml"',
  'E1207 11:49:54.180962     746 run.go:72] "command failed" err="failed to run Kubelet: swap feature is enabled and LimitedSwap but it is only supported with cgroupv2"'
].join('\n')

describe('kubeletStartFailure', () => {
  it('takes the reason of the last failed start, not the RuntimeConfig noise', () => {
    expect(kubeletStartFailure(JOURNAL)).toBe('failed to run Kubelet: swap feature is enabled and LimitedSwap but it is only supported with cgroupv2')
  })

  it('unescapes quotes inside the reason', () => {
    expect(kubeletStartFailure('E1 run.go:72] "command failed" err="invalid value \\"x\\" for cgroupDriver"')).toBe('invalid value "x" for cgroupDriver')
  })

  it('finds nothing in the journal of a kubelet that never failed to start', () => {
    expect(kubeletStartFailure(JOURNAL.split('\n').slice(0, 2).join('\n'))).toBeUndefined()
    expect(kubeletStartFailure('')).toBeUndefined()
  })
})

describe('KubeletStartError', () => {
  it('puts the kubelet reason first and keeps the failed command, so the annotation says what to fix', () => {
    const failed = new NodeCommandError('c-control-plane', ['kubeadm', 'init'], { exitCode: 1, stdout: '', stderr: 'error: wait-control-plane: timed out' })
    const error = new KubeletStartError('failed to run Kubelet: swap feature is enabled and LimitedSwap but it is only supported with cgroupv2', failed)
    expect(error).toBeInstanceOf(NodeCommandError)
    expect(error.message.split('\n')[0]).toBe('the kubelet on node c-control-plane does not start: failed to run Kubelet: swap feature is enabled and LimitedSwap but it is only supported with cgroupv2')
    expect(error.message).toContain('command failed on node c-control-plane (exit code 1): kubeadm init')
    expect(error.outputTail).toContain('timed out')
  })
})

describe('withKubeletReason', () => {
  // A stand-in for the node's exec (a unit test has no node): only the journal read is answered.
  const journalOf = (stdout: string) => ({ exec: async () => ({ exitCode: 0, stdout, stderr: '' }) }) as unknown as DockerPort
  const failed = () => new NodeCommandError('n-control-plane', ['kubeadm', 'init'], { exitCode: 1, stdout: '', stderr: 'timed out' })

  it('adds the reason under the phase that failed, keeping the phase', async () => {
    const reported = await withKubeletReason(journalOf(JOURNAL), new PhaseError('Starting control-plane (kubeadm init)', failed()))
    expect(reported).toBeInstanceOf(PhaseError)
    expect((reported as PhaseError).phase).toBe('Starting control-plane (kubeadm init)')
    expect((reported as PhaseError).cause).toBeInstanceOf(KubeletStartError)
  })

  it('leaves the error alone when the kubelet runs (the journal read prints nothing) or the error is no node command', async () => {
    const error = failed()
    expect(await withKubeletReason(journalOf(''), error)).toBe(error)
    const other = new Error('network down')
    expect(await withKubeletReason(journalOf(JOURNAL), other)).toBe(other)
  })
})
