import { describe, expect, it } from 'vitest'
import { decodeYAML } from '../../../src/kubeadm/goyaml/decode.js'
import { applyJsonPatch, decodePointerToken, JsonPatchError, toOperations } from '../../../src/kubeadm/json-patch.js'
import type { JsonValue } from '../../../src/kubeadm/json.js'

function apply(doc: unknown, ops: unknown): JsonValue {
  return applyJsonPatch(doc as JsonValue, toOperations(ops as JsonValue))
}

describe('RFC 6902 appendix A', () => {
  it.each([
    ['A.1 adding an object member', { foo: 'bar' }, [{ op: 'add', path: '/baz', value: 'qux' }], { baz: 'qux', foo: 'bar' }],
    [
      'A.2 adding an array element',
      { foo: ['bar', 'baz'] },
      [{ op: 'add', path: '/foo/1', value: 'qux' }],
      { foo: ['bar', 'qux', 'baz'] }
    ],
    ['A.3 removing an object member', { baz: 'qux', foo: 'bar' }, [{ op: 'remove', path: '/baz' }], { foo: 'bar' }],
    ['A.4 removing an array element', { foo: ['bar', 'qux', 'baz'] }, [{ op: 'remove', path: '/foo/1' }], { foo: ['bar', 'baz'] }],
    [
      'A.5 replacing a value',
      { baz: 'qux', foo: 'bar' },
      [{ op: 'replace', path: '/baz', value: 'boo' }],
      { baz: 'boo', foo: 'bar' }
    ],
    [
      'A.6 moving a value',
      { foo: { bar: 'baz', waldo: 'fred' }, qux: { corge: 'grault' } },
      [{ op: 'move', from: '/foo/waldo', path: '/qux/thud' }],
      { foo: { bar: 'baz' }, qux: { corge: 'grault', thud: 'fred' } }
    ],
    [
      'A.7 moving an array element',
      { foo: ['all', 'grass', 'cows', 'eat'] },
      [{ op: 'move', from: '/foo/1', path: '/foo/3' }],
      { foo: ['all', 'cows', 'eat', 'grass'] }
    ],
    [
      'A.8 testing a value: success',
      { baz: 'qux', foo: ['a', 2, 'c'] },
      [
        { op: 'test', path: '/baz', value: 'qux' },
        { op: 'test', path: '/foo/1', value: 2 }
      ],
      { baz: 'qux', foo: ['a', 2, 'c'] }
    ],
    [
      'A.10 adding a nested member object',
      { foo: 'bar' },
      [{ op: 'add', path: '/child', value: { grandchild: {} } }],
      { foo: 'bar', child: { grandchild: {} } }
    ],
    [
      'A.11 ignoring unrecognized elements',
      { foo: 'bar' },
      [{ op: 'add', path: '/baz', value: 'qux', xyz: 123 }],
      { foo: 'bar', baz: 'qux' }
    ],
    ['A.14 ~ escape ordering', { '/': 9, '~1': 10 }, [{ op: 'test', path: '/~01', value: 10 }], { '/': 9, '~1': 10 }],
    [
      'A.16 adding an array value',
      { foo: ['bar'] },
      [{ op: 'add', path: '/foo/-', value: ['abc', 'def'] }],
      { foo: ['bar', ['abc', 'def']] }
    ]
  ])('%s', (_name, doc, ops, expected) => {
    expect(apply(doc, ops)).toEqual(expected)
  })

  it('A.9 testing a value: error', () => {
    expect(() => apply({ baz: 'qux' }, [{ op: 'test', path: '/baz', value: 'bar' }])).toThrow(
      'operation 0 (test "/baz"): test failed: found "qux", expected "bar"'
    )
  })

  it('A.12 adding to a nonexistent target', () => {
    expect(() => apply({ foo: 'bar' }, [{ op: 'add', path: '/baz/bat', value: 'qux' }])).toThrow(
      'operation 0 (add "/baz/bat"): "/baz" does not exist'
    )
  })

  it('A.13 a duplicated member: the last one counts (as when kind decodes it), so this removes a missing /baz', () => {
    const ops = decodeYAML('[{"op": "add", "path": "/baz", "value": "qux", "op": "remove"}]')
    expect(() => apply({ foo: 'bar' }, ops)).toThrow('operation 0 (remove "/baz"): "/baz" does not exist')
  })

  it('A.15 comparing strings and numbers', () => {
    expect(() => apply({ '/': 9, '~1': 10 }, [{ op: 'test', path: '/~01', value: '10' }])).toThrow(/test failed/)
  })
})

describe('applyJsonPatch details', () => {
  it('decodes ~0 and ~1 in that order', () => {
    expect(decodePointerToken('a~1b~0c~01')).toBe('a/b~c~1')
    expect(apply({ 'a/b': { 'c~d': 1 } }, [{ op: 'replace', path: '/a~1b/c~0d', value: 2 }])).toEqual({ 'a/b': { 'c~d': 2 } })
  })

  it('does not modify its input and copies what it copies', () => {
    const doc = { a: { b: [1] } }
    const out = apply(doc, [
      { op: 'copy', from: '/a', path: '/c' },
      { op: 'add', path: '/c/b/-', value: 2 }
    ])
    expect(out).toEqual({ a: { b: [1] }, c: { b: [1, 2] } })
    expect(doc).toEqual({ a: { b: [1] } })
  })

  it('accepts negative array indices like the Go library', () => {
    expect(apply({ l: [1, 2, 3] }, [{ op: 'remove', path: '/l/-1' }])).toEqual({ l: [1, 2] })
    expect(apply({ l: [1, 2, 3] }, [{ op: 'replace', path: '/l/-3', value: 0 }])).toEqual({ l: [0, 2, 3] })
    expect(apply({ l: [1, 2] }, [{ op: 'add', path: '/l/-1', value: 9 }])).toEqual({ l: [1, 2, 9] })
    expect(apply({ l: [{ x: 1 }] }, [{ op: 'replace', path: '/l/-1/x', value: 2 }])).toEqual({ l: [{ x: 2 }] })
  })

  it('adds null when the value is missing, and treats a missing member as null in test', () => {
    expect(apply({}, [{ op: 'add', path: '/a' }])).toEqual({ a: null })
    expect(apply({ a: 1 }, [{ op: 'test', path: '/missing', value: null }])).toEqual({ a: 1 })
    expect(() => apply({ a: 1 }, [{ op: 'test', path: '/a' }])).toThrow('operation 0 (test "/a"): missing "value"')
  })

  it('replaces or tests the whole document with the empty path', () => {
    expect(apply({ a: 1 }, [{ op: 'replace', path: '', value: [1] }])).toEqual([1])
    expect(apply({ a: 1 }, [{ op: 'test', path: '', value: { a: 1 } }])).toEqual({ a: 1 })
    expect(() => apply({ a: 1 }, [{ op: 'add', path: '', value: {} }])).toThrow(/root cannot be the target of add/)
    expect(() => apply({ a: 1 }, [{ op: 'replace', path: '', value: 3 }])).toThrow(/object or array/)
  })

  it.each([
    [{ a: 1 }, { op: 'replace', path: '/b', value: 1 }, 'operation 0 (replace "/b"): "/b" does not exist'],
    [{ a: 1 }, { op: 'remove', path: '/b' }, 'operation 0 (remove "/b"): "/b" does not exist'],
    [{ a: [1] }, { op: 'remove', path: '/a/1' }, 'operation 0 (remove "/a/1"): index 1 is out of range in "/a/1" (array length 1)'],
    [{ a: [1] }, { op: 'add', path: '/a/2', value: 0 }, 'operation 0 (add "/a/2"): index 2 is out of range in "/a/2" (array length 1)'],
    [{ a: [1] }, { op: 'remove', path: '/a/-' }, 'operation 0 (remove "/a/-"): "-" is not an array index in "/a/-"'],
    [{ a: 'x' }, { op: 'add', path: '/a/b', value: 0 }, 'operation 0 (add "/a/b"): "/a" is not an object or array'],
    [{ a: 1 }, { op: 'move', from: '/x', path: '/y' }, 'operation 0 (move "/y"): "/x" does not exist'],
    [{ a: 1 }, { op: 'copy', from: '/x', path: '/y' }, 'operation 0 (copy "/y"): "/x" does not exist'],
    [{ a: 1 }, { op: 'merge', path: '/a' }, 'operation 0 (merge "/a"): unknown operation "merge"'],
    [{ a: 1 }, { path: '/a' }, 'operation 0 (? "/a"): unknown operation null'],
    [{ a: 1 }, { op: 'add', value: 1 }, 'operation 0 (add ""): missing or non-string "path"'],
    [{ a: 1 }, { op: 'add', path: 'a', value: 1 }, 'operation 0 (add "a"): path "a" must start with "/"']
  ])('reports %j %j', (doc, op, message) => {
    expect(() => apply(doc, [op])).toThrow(message)
  })

  it('names the failing operation among several', () => {
    let error: unknown
    try {
      apply({ a: 1 }, [
        { op: 'add', path: '/b', value: 2 },
        { op: 'test', path: '/b', value: 2 },
        { op: 'replace', path: '/c', value: 3 }
      ])
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(JsonPatchError)
    expect(error).toMatchObject({ operationIndex: 2, operation: 'replace', path: '/c' })
  })

  it('wants a list of operation objects', () => {
    expect(() => toOperations({ op: 'add' })).toThrow('a JSON 6902 patch must be a list of operations')
    expect(() => toOperations(['add'])).toThrow('operation 0 (? ""): an operation must be an object')
  })
})
