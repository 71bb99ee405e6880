import { describe, expect, it } from 'vitest'
import { StateRecorder, type ActionState } from '../../../src/state.js'
import { actionState } from '../../helpers/state.js'

const initial = actionState()

describe('StateRecorder', () => {
  it('saves the initial state and every update at once, each one a whole state', () => {
    const saved: ActionState[] = []
    const recorder = new StateRecorder(initial, state => saved.push(structuredClone(state)))
    recorder.update({ creating: true })
    recorder.update({ failure: { phase: 'p', message: 'm' } })
    expect(saved.map(s => [s.creating, s.failure?.phase])).toEqual([
      [false, undefined],
      [true, undefined],
      [true, 'p']
    ])
    expect(recorder.state).toEqual({ ...initial, creating: true, failure: { phase: 'p', message: 'm' } })
  })
})
