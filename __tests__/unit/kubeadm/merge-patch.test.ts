import { describe, expect, it } from 'vitest'
import type { JsonValue } from '../../../src/kubeadm/json.js'
import { mergePatch } from '../../../src/kubeadm/merge-patch.js'

const merge = (doc: unknown, patch: unknown): JsonValue => mergePatch(doc as JsonValue, patch as JsonValue)

describe('RFC 7386 appendix A', () => {
  it.each([
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [['a', 'b'], ['c', 'd'], ['c', 'd']],
    [{ a: 'b' }, ['c'], ['c']],
    [{ a: 'foo' }, null, null],
    [{ a: 'foo' }, 'bar', 'bar'],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [[1, 2], { a: 'b', c: null }, { a: 'b' }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }]
  ])('%j + %j = %j', (doc, patch, expected) => {
    expect(merge(doc, patch)).toEqual(expected)
  })
})

describe('mergePatch as kind applies it', () => {
  it('prunes nulls in objects inside an inserted array (the Go library does), keeping null elements', () => {
    expect(merge({}, { l: [{ a: null, b: 1 }, null] })).toEqual({ l: [{ b: 1 }, null] })
    expect(merge({ l: 'x' }, { l: [{ a: null }] })).toEqual({ l: [{}] })
  })

  it('inserts an array that replaces an object as it is', () => {
    expect(merge({ l: { x: 1 } }, { l: [{ a: null }] })).toEqual({ l: [{ a: null }] })
  })

  it('treats an existing null member like a missing one', () => {
    expect(merge({ a: null }, { a: { b: null, c: 1 } })).toEqual({ a: { c: 1 } })
  })

  it('leaves its arguments alone', () => {
    const doc = { a: { b: 1 } }
    const patch = { a: { c: null, d: { e: null } } }
    merge(doc, patch)
    expect(doc).toEqual({ a: { b: 1 } })
    expect(patch).toEqual({ a: { c: null, d: { e: null } } })
  })
})
