import { describe, expect, it } from 'vitest'
import { afterVerdict, planRestore, restoreWasSlower, shouldRecordVerdict, shouldSave } from '../../../src/cache/policy.js'

describe('planRestore', () => {
  it.each([
    ['false', true, { action: 'pull', reason: 'disabled' }],
    ['false', false, { action: 'pull', reason: 'disabled' }],
    ['auto', false, { action: 'pull', reason: 'unavailable' }],
    ['true', false, { action: 'pull', reason: 'unavailable' }],
    ['auto', true, { action: 'restore', checkVerdict: true }],
    ['true', true, { action: 'restore', checkVerdict: false }]
  ] as const)('policy %s, service available %s', (policy, available, plan) => {
    expect(planRestore(policy, available)).toEqual(plan)
  })

  it('a verdict for this week turns a restore into a pull', () => {
    expect(afterVerdict(true)).toEqual({ action: 'pull', reason: 'pull-faster' })
    expect(afterVerdict(false)).toEqual({ action: 'restore', checkVerdict: false })
  })
})

describe('slower', () => {
  it.each([
    [10, 10, false],
    [11.9, 10, false],
    [12.1, 10, true],
    [1.5, 0.5, false],
    [1.6, 0.5, true],
    [2.2, 1, true],
    [0.5, 0.001, false],
    [60, 30, true]
  ])('restore %s s vs pull %s s → slower %s', (restore, pull, slower) => {
    expect(restoreWasSlower(restore, pull)).toBe(slower)
  })

  it('only auto records a verdict', () => {
    expect(shouldRecordVerdict('auto', 60, 30)).toBe(true)
    expect(shouldRecordVerdict('true', 60, 30)).toBe(false)
    expect(shouldRecordVerdict('auto', 20, 30)).toBe(false)
  })
})

describe('shouldSave', () => {
  it.each([
    ['auto', 'miss', true],
    ['true', 'miss', true],
    ['false', 'miss', false],
    ['auto', 'pull-faster', false],
    ['auto', 'unavailable', false],
    ['auto', 'error', false],
    ['auto', 'disabled', false],
    ['auto', 'hit', false]
  ] as const)('policy %s after %s → %s', (policy, outcome, save) => {
    expect(shouldSave(policy, outcome)).toBe(save)
  })
})
