import { describe, expect, it } from 'vitest'
import { PerNode } from '../../../src/cluster/creation/milestones.js'
import { milestone } from '../../../src/cluster/settle.js'
import { actionOrder } from '../../../src/cluster/creation/order.js'

const tick = (): Promise<void> => new Promise(resolve => setTimeout(resolve, 5))

describe('milestones', () => {
  it('runs waiting work once reached, with the value', async () => {
    const up = milestone<string>()
    const seen: string[] = []
    up.whenReached(value => seen.push(value))
    up.reach('10.0.0.2')
    up.reach('ignored')
    await tick()
    expect(seen).toEqual(['10.0.0.2'])
    await expect(up.reached).resolves.toBe('10.0.0.2')
  })

  it('skips waiting work when failed, and a failure nobody awaits is not unhandled', async () => {
    const up = milestone()
    let ran = false
    up.whenReached(() => (ran = true))
    up.fail(new Error('boom'))
    await tick()
    expect(ran).toBe(false)
    await expect(up.reached).rejects.toThrow('boom')
  })

  it('gives one milestone per node', () => {
    const booted = new PerNode()
    expect(booted.of('a')).toBe(booted.of('a'))
    expect(booted.of('a')).not.toBe(booted.of('b'))
  })
})

describe('actionOrder', () => {
  const recorder = () => {
    const events: string[] = []
    const action = (name: string, fail = false) => async () => {
      events.push(`${name} start`)
      await tick()
      events.push(`${name} end`)
      if (fail) throw new Error(`${name} failed`)
    }
    return { events, action }
  }

  it('strict: each action starts once the one before it is over', async () => {
    const { events, action } = recorder()
    const order = actionOrder(true)
    order.turn(action('init'))
    order.turn(action('join'))
    await order.settled()
    expect(events).toEqual(['init start', 'init end', 'join start', 'join end'])
  })

  it('pipelined: every action starts at once', async () => {
    const { events, action } = recorder()
    const order = actionOrder(false)
    order.turn(action('init'))
    order.turn(action('join'))
    await order.settled()
    expect(events.slice(0, 2)).toEqual(['init start', 'join start'])
  })

  it('strict: a failed action stops the ones after it, and its error is the one reported', async () => {
    const { events, action } = recorder()
    const order = actionOrder(true)
    order.turn(action('init', true))
    order.turn(action('join'))
    await expect(order.settled()).rejects.toThrow('init failed')
    expect(events).toEqual(['init start', 'init end'])
  })

  it('pipelined: waits for every action before failing with the first failure in turn order', async () => {
    const { events, action } = recorder()
    const order = actionOrder(false)
    order.turn(action('init', true))
    order.turn(action('join'))
    await expect(order.settled()).rejects.toThrow('init failed')
    expect(events).toContain('join end')
  })
})
