import { describe, expect, it } from 'vitest'
import { decideLogs, mainOutcome } from '../../../src/logs/policy.js'
import type { ActionState } from '../../../src/state.js'
import { actionState } from '../../helpers/state.js'

const base: ActionState = actionState({ creating: true, completed: true })
const failed: ActionState = { ...base, completed: false, failure: { phase: 'Starting control-plane (kubeadm init)', message: 'boom' } }
const cancelled: ActionState = { ...failed, failure: { phase: 'Joining w1', message: 'cancelled (SIGTERM) during Joining w1', cancelled: 'SIGTERM' } }
const crashed: ActionState = { ...base, completed: false }
const notStarted: ActionState = { ...base, creating: false, completed: false }

describe('mainOutcome', () => {
  it.each([
    [undefined, 'unknown'],
    [base, 'succeeded'],
    [failed, 'failed'],
    [crashed, 'incomplete'],
    [notStarted, 'not started']
  ] as const)('%#: %s', (state, outcome) => {
    expect(mainOutcome(state)).toBe(outcome)
  })
})

describe('decideLogs', () => {
  it.each([
    // policy, state, job status, collect, reason
    ['never', failed, 'failure', false, 'logs is never'],
    ['always', base, 'success', true, 'logs is always'],
    ['on-failure', failed, 'success', true, 'creating the cluster failed in “Starting control-plane (kubeadm init)”'],
    ['on-failure', cancelled, '', true, 'the main step was cancelled (SIGTERM) in “Joining w1”'],
    ['on-failure', crashed, '', true, 'the main step did not finish creating the cluster'],
    ['on-failure', undefined, '', true, 'the main step left no readable state, so its outcome is unknown'],
    ['on-failure', base, 'failure', true, "the job's status is failure"],
    ['on-failure', base, 'Cancelled', true, "the job's status is cancelled"],
    ['on-failure', base, 'success', false, "logs is on-failure and the job's status is success"],
    ['on-failure', base, '', false, 'logs is on-failure and nothing failed']
  ] as const)('%s, job %s: %s', (policy, state, status, collect, reason) => {
    expect(decideLogs(policy, state, status)).toEqual({ collect, reason })
  })
})
