import { describe, expect, it } from 'vitest'
import { singleNodeTaintRemovals } from '../../../src/cluster/single-node.js'

// kind v0.31's thresholds (kubeadminit/init.go), compared as strict semver: a pre-release sorts first.
describe('singleNodeTaintRemovals', () => {
  it.each([
    ['v1.23.17', ['node-role.kubernetes.io/master-']],
    ['v1.24.0-alpha.1.591+abcdef', ['node-role.kubernetes.io/master-']],
    ['v1.24.0-alpha.1.592+370031cadac624', ['node-role.kubernetes.io/control-plane-', 'node-role.kubernetes.io/master-']],
    ['v1.24.17', ['node-role.kubernetes.io/control-plane-', 'node-role.kubernetes.io/master-']],
    ['v1.25.0-alpha.0.556+abcdef', ['node-role.kubernetes.io/control-plane-', 'node-role.kubernetes.io/master-']],
    ['v1.25.0', ['node-role.kubernetes.io/control-plane-']],
    ['v1.34.4', ['node-role.kubernetes.io/control-plane-']]
  ])('%s: %j', (version, taints) => {
    expect(singleNodeTaintRemovals(version)).toEqual(taints)
  })
})
