import { describe, expect, it } from 'vitest'
import { DEFAULT_NODE_BOOT_WAIT_MS, parseNodeBootWait } from '../../../src/cluster/node-boot-wait.js'

describe('parseNodeBootWait (KIND_ACTION_NODE_BOOT_WAIT)', () => {
  it('is a minute when unset or empty', () => {
    for (const value of [undefined, '', '  ']) expect(parseNodeBootWait(value)).toBe(DEFAULT_NODE_BOOT_WAIT_MS)
    expect(DEFAULT_NODE_BOOT_WAIT_MS).toBe(60_000)
  })

  it('takes a duration as the wait input does, or bare seconds', () => {
    expect(parseNodeBootWait('10m')).toBe(600_000)
    expect(parseNodeBootWait(' 1m30s ')).toBe(90_000)
    expect(parseNodeBootWait('120')).toBe(120_000)
    expect(parseNodeBootWait('2.5s')).toBe(2_500)
  })

  it('names the variable when the value is not a duration above zero', () => {
    for (const value of ['ten minutes', '0', '0s', '-5m', '5 m']) {
      expect(() => parseNodeBootWait(value), value).toThrow(
        new RegExp(`^KIND_ACTION_NODE_BOOT_WAIT="${value.trim()}": not a duration above zero; write it as 90s, 5m or 1m30s \\(unset: 60 s\\)$`)
      )
    }
  })
})
