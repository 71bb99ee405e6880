import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { capText, formatBytes, TailBuffer, truncationNote } from '../../../src/logs/limits.js'
import { limiter } from '../../../src/logs/node-command.js'
import { ACTION_VERSION } from '../../../src/logs/version.js'

describe('TailBuffer', () => {
  it('keeps everything under the cap, without a note', () => {
    const tail = new TailBuffer(10)
    tail.push('abc')
    tail.push(Buffer.from('def'))
    expect(tail.contents().toString()).toBe('abcdef')
    expect(tail.truncated).toBe(false)
  })

  it('keeps exactly the last bytes over the cap, after a note', () => {
    const tail = new TailBuffer(5)
    for (const chunk of ['0123', '4567', '89']) tail.push(chunk)
    expect(tail.total).toBe(10)
    expect(tail.contents().toString()).toBe(truncationNote(5, 10) + '56789')
  })

  it('holds about the cap in memory however long the stream', () => {
    const tail = new TailBuffer(1000)
    for (let i = 0; i < 10_000; i++) tail.push(Buffer.alloc(100, i % 256))
    expect((tail as unknown as { held: number }).held).toBeLessThan(1000 + 100)
    expect(tail.contents().length).toBe(truncationNote(1000, 1_000_000).length + 1000)
  })

  it('caps text already in memory the same way', () => {
    expect(capText('hello world', 5).toString()).toBe(truncationNote(5, 11) + 'world')
  })
})

describe('formatBytes', () => {
  it.each([
    [0, '0 B'],
    [1023, '1023 B'],
    [1536, '1.5 KiB'],
    [32 * 1024 * 1024, '32.0 MiB'],
    [3 * 1024 ** 3, '3.00 GiB']
  ])('%d → %s', (n, text) => {
    expect(formatBytes(n)).toBe(text)
  })
})

describe('limiter', () => {
  it('never runs more than n tasks at once, and runs them all', async () => {
    const slot = limiter(2)
    let running = 0
    let most = 0
    const done = await Promise.all(
      Array.from({ length: 7 }, (_, i) =>
        slot(async () => {
          running++
          most = Math.max(most, running)
          await new Promise(r => setTimeout(r, 5 + (i % 3)))
          running--
          return i
        })
      )
    )
    expect(done).toEqual([0, 1, 2, 3, 4, 5, 6])
    expect(most).toBe(2)
  })

  it('frees the slot of a task that fails', async () => {
    const slot = limiter(1)
    await expect(slot(() => Promise.reject(new Error('x')))).rejects.toThrow('x')
    expect(await slot(async () => 'next')).toBe('next')
  })
})

describe('ACTION_VERSION', () => {
  it('is package.json\'s version (kind-version.txt names it)', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }
    expect(ACTION_VERSION).toBe(pkg.version)
  })
})
