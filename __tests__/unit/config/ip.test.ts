import { describe, expect, it } from 'vitest'
import { formatIP, parseCIDR, parseIP } from '../../../src/config/ip.js'

describe('parseIP', () => {
  it.each([
    ['10.0.0.1', '10.0.0.1'],
    ['0.0.0.0', '0.0.0.0'],
    ['255.255.255.255', '255.255.255.255'],
    ['::', '::'],
    ['::1', '::1'],
    ['FD00:10:244::', 'fd00:10:244::'],
    ['1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8'],
    ['1:2:3:4:5:6:7::', '1:2:3:4:5:6:7:0'],
    ['::2:3:4:5:6:7:8', '0:2:3:4:5:6:7:8'],
    ['::ffff:1.2.3.4', '1.2.3.4'],
    ['::ffff:0102:0304', '1.2.3.4'],
    ['2001:db8::1.2.3.4', '2001:db8::102:304'],
    ['1:2:3:4:5:6:1.2.3.4', '1:2:3:4:5:6:102:304'],
    ['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1']
  ])('accepts %s (formatted %s)', (text, formatted) => {
    const bytes = parseIP(text)
    expect(bytes).toBeDefined()
    expect(formatIP(bytes ?? new Uint8Array(16))).toBe(formatted)
  })

  it.each([
    '',
    'localhost',
    '1.2.3',
    '1.2.3.4.5',
    '256.0.0.1',
    '01.2.3.4',
    '1.2.3.04',
    ' 1.2.3.4',
    '1.2.3.4 ',
    '1.2.3.4:80',
    '[::1]',
    'fe80::1%eth0',
    '1:2:3:4:5:6:7:8:9',
    '1:2:3:4:5:6:7:8::',
    '1::2::3',
    ':::',
    ':1',
    '1:',
    '12345::',
    'g::1',
    '1.2.3.4::',
    '1:2:3:4:5:6:7:1.2.3.4',
    '::1.2.3'
  ])('rejects %j', (text) => {
    expect(parseIP(text)).toBeUndefined()
  })
})

describe('formatIP', () => {
  it.each([
    ['1:0:0:1:0:0:0:1', '1:0:0:1::1'],
    ['1:0:2:0:3:0:4:0', '1:0:2:0:3:0:4:0'],
    ['0:0:1:0:0:1:0:0', '::1:0:0:1:0:0'],
    ['1:0:0:0:0:0:0:0', '1::']
  ])('writes %s as %s (longest zero run compressed, first on a tie)', (text, formatted) => {
    expect(formatIP(parseIP(text) ?? new Uint8Array(16))).toBe(formatted)
  })
})

describe('parseCIDR', () => {
  it.each([
    ['10.244.0.0/16', 16, true, '10.244.0.0'],
    ['10.244.1.1/16', 16, true, '10.244.0.0'],
    ['0.0.0.0/0', 0, true, '0.0.0.0'],
    ['192.168.1.1/32', 32, true, '192.168.1.1'],
    ['10.0.0.0/016', 16, true, '10.0.0.0'],
    ['fd00:10:244::/56', 56, false, 'fd00:10:244::'],
    ['fd00:10:96::1/112', 112, false, 'fd00:10:96::'],
    ['::/0', 0, false, '::'],
    ['::ffff:10.0.0.0/104', 104, true, '10.0.0.0'],
    ['::ffff:10.0.0.0/64', 64, false, '::']
  ])('parses %s', (text, prefixLength, isIPv4, network) => {
    const cidr = parseCIDR(text)
    expect(cidr).toBeDefined()
    expect(cidr?.prefixLength).toBe(prefixLength)
    expect(cidr?.isIPv4).toBe(isIPv4)
    expect(formatIP(cidr?.network ?? new Uint8Array(16))).toBe(network)
  })

  it.each(['', '10.0.0.0', '10.0.0.0/', '10.0.0.0/33', '::/129', '10.0.0.0/-1', '10.0.0.0/ 8', ' 10.0.0.0/8', '10.0.0.0/8 ', '10.0.0/8', 'fe80::%eth0/64', 'fd00::/64/1', 'a/8'])(
    'rejects %j',
    (text) => {
      expect(parseCIDR(text)).toBeUndefined()
    }
  )
})
