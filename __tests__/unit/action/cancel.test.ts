import { EventEmitter } from 'node:events'
import { describe, expect, it } from 'vitest'
import { onCancellation, type Cancellation, type SignalTarget } from '../../../src/cancel.js'
import { Phases, silentReporter } from '../../../src/cluster/phases.js'

// A stand-in for `process`: signalling the test runner itself would end it. The real signal path is
// proven by the faults tier, which signals the built main step.
function fakeProcess(): SignalTarget & { emit(signal: string): void; exits: number[] } {
  const events = new EventEmitter()
  const exits: number[] = []
  return {
    exits,
    on: (signal, listener) => events.on(signal, listener),
    off: (signal, listener) => events.off(signal, listener),
    emit: signal => void events.emit(signal),
    exit: (code: number) => {
      exits.push(code)
      return undefined as never
    }
  }
}

describe('onCancellation', () => {
  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143]
  ] as const)('%s: reports the phase once and exits with %i', (signal, code) => {
    const target = fakeProcess()
    const seen: Cancellation[] = []
    onCancellation(() => 'Joining w1', c => seen.push(c), target)
    target.emit(signal)
    // The runner's second signal while the first is handled is not reported again.
    target.emit('SIGTERM')
    expect(seen).toEqual([{ signal, phase: 'Joining w1', message: `cancelled (${signal}) during Joining w1` }])
    expect(target.exits).toEqual([code])
  })

  it('still exits when reporting throws', () => {
    const target = fakeProcess()
    onCancellation(() => 'p', () => { throw new Error('disk full') }, target)
    expect(() => target.emit('SIGINT')).toThrow('disk full')
    expect(target.exits).toEqual([130])
  })

  it('listens no more once stopped', () => {
    const target = fakeProcess()
    const seen: Cancellation[] = []
    onCancellation(() => 'p', c => seen.push(c), target)()
    target.emit('SIGINT')
    expect(seen).toEqual([])
    expect(target.exits).toEqual([])
  })
})

describe('Phases.current', () => {
  it('names the innermost running phase and those beside it, not their group, and nothing between phases', async () => {
    const phases = new Phases(silentReporter)
    const seen: (string | undefined)[] = [phases.current()]
    let release!: () => void
    const gate = new Promise<void>(r => (release = r))
    const group = phases.group('Creating nodes', async () => {
      seen.push(phases.current())
      const a = phases.timed('Booting a', () => gate)
      const b = phases.timed('Booting b', () => gate)
      seen.push(phases.current())
      release()
      await Promise.all([a, b])
      seen.push(phases.current())
      await phases.timed('Starting control-plane (kubeadm init)', async () => void seen.push(phases.current()))
    })
    await group
    seen.push(phases.current())
    expect(seen).toEqual([
      undefined,
      'Creating nodes',
      'Booting a, Booting b',
      'Creating nodes',
      'Starting control-plane (kubeadm init)',
      undefined
    ])
  })

  it('forgets a phase that failed', async () => {
    const phases = new Phases(silentReporter)
    await expect(phases.timed('Joining w1', () => Promise.reject(new Error('x')))).rejects.toThrow('Joining w1: x')
    expect(phases.current()).toBeUndefined()
  })

  it('remembers what was running when the first failure came, though an outer phase reports another', async () => {
    const phases = new Phases(silentReporter)
    const group = phases.group('Creating nodes', async () => {
      const beside = phases.timed('Joining w1', () => new Promise(r => setTimeout(r, 20)))
      // kubeadm init fails first, with Joining w1 beside it; the group's own work then fails with what it saw.
      await phases.timed('Starting control-plane (kubeadm init)', () => Promise.reject(new Error('connect ENOENT'))).catch(() => undefined)
      await beside
      throw new Error('connect ECONNREFUSED')
    })
    await expect(group).rejects.toThrow('Creating nodes: connect ECONNREFUSED')
    expect(phases.runningAtFirstFailure).toBe('Joining w1, Starting control-plane (kubeadm init)')
  })

})
