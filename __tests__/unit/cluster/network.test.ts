import { describe, expect, it } from 'vitest'
import { proxyEnvironment, ulaSubnetFromName } from '../../../src/cluster/network.js'

describe('ulaSubnetFromName', () => {
  // kind's own test vectors (network_test.go).
  it.each([
    ['kind', 0, 'fc00:f853:ccd:e793::/64'],
    ['foo', 1, 'fc00:8edf:7f02:ec8f::/64'],
    ['foo', 2, 'fc00:9968:306b:2c65::/64'],
    ['kind2', 0, 'fc00:444c:147a:44ab::/64'],
    ['kin', 0, 'fc00:fcd9:c2be:8e23::/64'],
    ['mysupernetwork', 0, 'fc00:7ae1:1e0d:b4d4::/64']
  ])('%s attempt %i → %s', (name, attempt, subnet) => {
    expect(ulaSubnetFromName(name, attempt)).toBe(subnet)
  })
})

describe('proxyEnvironment', () => {
  const cluster = { podSubnet: '10.244.0.0/16', serviceSubnet: '10.96.0.0/16' }

  it('sets nothing when the host has no proxy', () => {
    expect(proxyEnvironment({}, cluster, ['172.18.0.0/16'], ['kind-control-plane'])).toEqual({})
  })

  it('sets both cases and extends NO_PROXY with subnets, containers and service domains', () => {
    const env = proxyEnvironment(
      { https_proxy: 'http://proxy:3128', NO_PROXY: 'example.com' },
      cluster,
      ['172.18.0.0/16', 'fc00:f853:ccd:e793::/64'],
      ['kind-control-plane', 'kind-worker']
    )
    const noProxy =
      '172.18.0.0/16,fc00:f853:ccd:e793::/64,example.com,10.96.0.0/16,10.244.0.0/16,kind-control-plane,kind-worker,.svc,.svc.cluster,.svc.cluster.local'
    expect(env).toEqual({
      HTTPS_PROXY: 'http://proxy:3128',
      https_proxy: 'http://proxy:3128',
      NO_PROXY: noProxy,
      no_proxy: noProxy
    })
  })
})
