import { describe, expect, it } from 'vitest'
import { normaliseAddresses } from './golden.js'

describe('normaliseAddresses', () => {
  it('replaces node addresses but not subnets or loopback', () => {
    const text = [
      'advertiseAddress: 172.18.0.2',
      'node-ip: 172.18.0.3,fc00:f853:ccd:e793::3',
      'podSubnet: 10.244.0.0/16,fd00:10:244::/56',
      'serviceSubnet: 172.20.0.0/16',
      '- 127.0.0.1',
      '- ::1',
      'x: 192.168.1.10'
    ].join('\n')
    expect(normaliseAddresses(text, { nodeAddresses: true })).toBe(
      [
        'advertiseAddress: <node-ipv4>',
        'node-ip: <node-ipv4>,<node-ipv6>',
        'podSubnet: 10.244.0.0/16,fd00:10:244::/56',
        'serviceSubnet: 172.20.0.0/16',
        '- 127.0.0.1',
        '- ::1',
        'x: <node-ipv4>'
      ].join('\n')
    )
  })

  it('applies explicit replacements, longest first', () => {
    expect(
      normaliseAddresses('kind-worker2 kind-worker v1.33.1', { replace: { 'kind-worker': 'W1', 'kind-worker2': 'W2', 'v1.33.1': 'V' } })
    ).toBe('W2 W1 V')
  })
})
