import { describe, expect, it } from 'vitest'
import { applyDefaults } from '../../../src/config/defaults.js'
import { clusterFromShorthand } from '../../../src/config/shorthand.js'
import { validateCluster } from '../../../src/config/validate.js'

describe('clusterFromShorthand', () => {
  it.each([
    [1, 0, ['control-plane']],
    [1, 2, ['control-plane', 'worker', 'worker']],
    [3, 0, ['control-plane', 'control-plane', 'control-plane']],
    [3, 2, ['control-plane', 'control-plane', 'control-plane', 'worker', 'worker']]
  ])('%d control plane(s) and %d worker(s): control planes first', (controlPlanes, workers, roles) => {
    expect(clusterFromShorthand({ controlPlanes, workers })).toStrictEqual({ nodes: roles.map((role) => ({ role })) })
  })

  it('gives a config that defaults and validates cleanly', () => {
    const cluster = applyDefaults(clusterFromShorthand({ controlPlanes: 3, workers: 1 }), { defaultImage: 'img:1', cwd: '/' })
    expect(validateCluster(cluster)).toEqual([])
    expect(cluster.nodes.map((n) => [n.role, n.image])).toEqual([
      ['control-plane', 'img:1'],
      ['control-plane', 'img:1'],
      ['control-plane', 'img:1'],
      ['worker', 'img:1']
    ])
  })

  it.each([
    [0, 0, 'controlPlanes must be a whole number of at least 1, got 0'],
    [-1, 0, 'controlPlanes must be a whole number of at least 1, got -1'],
    [1.5, 0, 'controlPlanes must be a whole number of at least 1, got 1.5'],
    [Number.NaN, 0, 'controlPlanes must be a whole number of at least 1, got NaN'],
    [1, -1, 'workers must be a whole number of at least 0, got -1'],
    [1, 0.5, 'workers must be a whole number of at least 0, got 0.5']
  ])('refuses %d control planes and %d workers', (controlPlanes, workers, message) => {
    expect(() => clusterFromShorthand({ controlPlanes, workers })).toThrow(new RangeError(message))
  })
})
