import { describe, expect, it } from 'vitest'
import { closestName } from '../../../src/config/suggest.js'

const NODE_FIELDS = ['role', 'image', 'labels', 'extraMounts', 'extraPortMappings', 'kubeadmConfigPatches', 'kubeadmConfigPatchesJSON6902']

describe('closestName', () => {
  it.each([
    ['rol', 'role'],
    ['Role', 'role'],
    ['imge', 'image'],
    ['images', 'image'],
    ['label', 'labels'],
    ['extramounts', 'extraMounts'],
    ['extraPortMapping', 'extraPortMappings'],
    ['kubeadmConfigPatch', 'kubeadmConfigPatches'],
    ['kubeadmConfigPatchesJson6902', 'kubeadmConfigPatchesJSON6902'],
    ['kubeadmConfigPatchesJSON6903', 'kubeadmConfigPatchesJSON6902']
  ])('suggests %s -> %s', (name, expected) => {
    expect(closestName(name, NODE_FIELDS)).toBe(expected)
  })

  it.each(['x', 'foo', 'replicas', 'nOtAReaLFielD', 'extraVolumes', 'ports'])('has no suggestion for %s', (name) => {
    expect(closestName(name, NODE_FIELDS)).toBeUndefined()
  })
})
