import { describe, expect, it } from 'vitest'
import { HAPROXY_CONFIG_PATH, HAPROXY_RELOAD_COMMAND, renderHaproxyConfig } from '../../../src/kubeadm/loadbalancer.js'
import { expectGolden } from './golden.js'
import { haproxyScenarios } from './scenarios.js'

describe('renderHaproxyConfig (goldens rendered by kind v0.31.0)', () => {
  it.each(haproxyScenarios.map((s) => [s.golden, s] as const))('%s', (_name, s) => {
    expectGolden(renderHaproxyConfig({ controlPlanes: s.controlPlanes, ipFamily: s.ipFamily }), s.golden)
  })

  it('lists each control plane once, sorted, and prefers IPv6 only for ipv6 clusters', () => {
    const out = renderHaproxyConfig({ controlPlanes: ['b-control-plane', 'a-control-plane', 'b-control-plane'], ipFamily: 'dual' })
    expect(out.match(/^ {2}server .*$/gm)).toEqual([
      '  server a-control-plane a-control-plane:6443 check check-ssl verify none resolvers docker resolve-prefer ipv4',
      '  server b-control-plane b-control-plane:6443 check check-ssl verify none resolvers docker resolve-prefer ipv4'
    ])
    expect(out).toContain('frontend control-plane\n  bind *:6443\n  \n  default_backend kube-apiservers\n')
    expect(out).toContain('resolvers docker\n  parse-resolv-conf\n')
  })

  it('knows where the file goes and how to reload it', () => {
    expect(HAPROXY_CONFIG_PATH).toBe('/usr/local/etc/haproxy/haproxy.cfg')
    expect(HAPROXY_RELOAD_COMMAND).toEqual(['kill', '-s', 'HUP', '1'])
  })
})
