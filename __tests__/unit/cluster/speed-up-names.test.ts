import { describe, expect, it } from 'vitest'
import { describeSpeedUps, parseSpeedUps, SPEED_UPS } from '../../../src/cluster/speed-up-names.js'

describe('parseSpeedUps (KIND_ACTION_SPEEDUPS)', () => {
  it('turns every speed-up on when unset, empty or "on"', () => {
    for (const value of [undefined, '', ' on ']) expect([...parseSpeedUps(value)]).toEqual([...SPEED_UPS])
  })

  it('turns every one off with "off"', () => {
    expect(parseSpeedUps('off').size).toBe(0)
  })

  it('turns the named ones off with -name', () => {
    const on = parseSpeedUps('-join-assist, -unpack-images-ahead')
    expect(on.has('join-assist')).toBe(false)
    expect(on.has('unpack-images-ahead')).toBe(false)
    expect(on.size).toBe(SPEED_UPS.length - 2)
  })

  it('keeps only the named ones on with a plain list', () => {
    expect([...parseSpeedUps('addons-through-api,join-assist')]).toEqual(['addons-through-api', 'join-assist'])
  })

  it('names the variable and suggests the speed-up meant when one is unknown', () => {
    expect(() => parseSpeedUps('-join-asist')).toThrow(/^KIND_ACTION_SPEEDUPS="-join-asist": unknown speed-up "join-asist" \(did you mean "join-assist"\?\)/)
    expect(() => parseSpeedUps('fast')).toThrow(/KIND_ACTION_SPEEDUPS="fast": unknown speed-up "fast"; the value is "on", "off", or a comma list of: pipelined-creation,/)
  })

  it('refuses a list that both keeps and removes', () => {
    expect(() => parseSpeedUps('join-assist,-unpack-images-ahead')).toThrow(/KIND_ACTION_SPEEDUPS=.*not both/)
  })

  it('says nothing in the log when all are on, and which are off otherwise', () => {
    expect(describeSpeedUps(parseSpeedUps(undefined))).toBeUndefined()
    expect(describeSpeedUps(parseSpeedUps('off'))).toMatch(/every speed-up is off; creation runs kind's actions in kind's order/)
    expect(describeSpeedUps(parseSpeedUps('-join-assist'))).toBe('KIND_ACTION_SPEEDUPS: off: join-assist')
  })
})
