// Expected texts were produced by sigs.k8s.io/yaml v1.4.0 (go-yaml v2), the library kind uses.
import { describe, expect, it } from 'vitest'
import { decodeYAML } from '../../../src/kubeadm/goyaml/decode.js'
import { encodeYAML, formatNumber } from '../../../src/kubeadm/goyaml/encode.js'
import { formatFloat32Key, formatFloat64 } from '../../../src/kubeadm/goyaml/float.js'
import { goSortKeys } from '../../../src/kubeadm/goyaml/keys.js'
import { resolvePlain } from '../../../src/kubeadm/goyaml/resolve.js'

describe('encodeYAML: scalar styles', () => {
  it.each([
    ['', '""'],
    ['plain', 'plain'],
    ['::', "'::'"],
    ['::1', '::1'],
    ['0%', '0%'],
    ['true', '"true"'],
    ['y', '"y"'],
    ['No', '"No"'],
    ['off', '"off"'],
    ['null', '"null"'],
    ['~', '"~"'],
    ['6443', '"6443"'],
    ['0o17', '"0o17"'],
    ['0x1F', '"0x1F"'],
    ['1_000', '"1_000"'],
    ['08', '"08"'],
    ['1.5', '"1.5"'],
    ['.5', '".5"'],
    ['1e3', '"1e3"'],
    ['1:20', '"1:20"'],
    ['2001-12-14', '"2001-12-14"'],
    ['2001-13-14', '2001-13-14'],
    ['2001-12-14T21:59:43.10Z', '"2001-12-14T21:59:43.10Z"'],
    ['<<', '<<'],
    ['- x', "'- x'"],
    ['-x', '-x'],
    ['a: b', "'a: b'"],
    ['a#b', 'a#b'],
    ['a #b', "'a #b'"],
    ['#x', "'#x'"],
    ['*x', "'*x'"],
    ['---', "'---'"],
    [' lead', "' lead'"],
    ['trail ', "'trail '"],
    ["it's", "it's"],
    ["'q'", "'''q'''"],
    ['tab\tx', '"tab\\tx"'],
    ['x\r', '"x\\r"'],
    ['é', 'é'],
    ['😀', '"\\U0001F600"'],
    ['\ufeffab', '"\\uFEFF\\x61\\x62"'],
    // LS counts as a line break: single quotes, and the next line is indented.
    ['a\u2028b', "'a\u2028  b'"],
    ['q"q', 'q"q'],
    ['10.244.0.0/16,fd00:10:244::/56', '10.244.0.0/16,fd00:10:244::/56'],
    ['unix:///run/containerd/containerd.sock', 'unix:///run/containerd/containerd.sock']
  ])('%j -> %s', (value, text) => {
    expect(encodeYAML({ k: value })).toBe(`k: ${text}\n`)
  })

  it('writes strings with newlines as literal blocks with chomping hints', () => {
    expect(encodeYAML({ k: 'a\nb' })).toBe('k: |-\n  a\n  b\n')
    expect(encodeYAML({ k: 'a\n' })).toBe('k: |\n  a\n')
    expect(encodeYAML({ k: 'a\n\n' })).toBe('k: |+\n  a\n\n')
    expect(encodeYAML({ k: ' a\nb' })).toBe('k: |2-\n   a\n  b\n')
    expect(encodeYAML({ k: 'a \nb' })).toBe('k: "a \\nb"\n')
    expect(encodeYAML({ k: ['x\ny'] })).toBe('k:\n- |-\n  x\n  y\n')
  })

  it('folds long plain and quoted scalars at 80 columns', () => {
    const words = 'aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj kkkk llll mmmm nnnn oooo pppp qqqq rrrr ssss tttt uuuu'
    expect(encodeYAML({ long: words })).toBe(
      'long: aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj kkkk llll mmmm nnnn oooo pppp\n  qqqq rrrr ssss tttt uuuu\n'
    )
    expect(encodeYAML({ q: `${'d '.repeat(45)}\t` })).toBe(
      'q: "d d d d d d d d d d d d d d d d d d d d d d d d d d d d d d d d d d d d d d d\n  d d d d d d \\t"\n'
    )
  })

  it('writes collections in block style, sequences not indented under their key', () => {
    expect(encodeYAML({ r: [[1, 2], { x: 1, y: [3] }], e: [], o: {}, z: null, t: true })).toBe(
      'e: []\no: {}\nr:\n- - 1\n  - 2\n- x: 1\n  "y":\n  - 3\nt: true\nz: null\n'
    )
    expect(encodeYAML(null)).toBe('null\n')
    expect(encodeYAML('foo')).toBe('foo\n')
    expect(encodeYAML([])).toBe('[]\n')
    expect(encodeYAML({})).toBe('{}\n')
  })

  it('writes long and multi-line keys as complex keys', () => {
    const key = 'k'.repeat(130)
    expect(encodeYAML({ [key]: 1 })).toBe(`? ${key}\n: 1\n`)
    expect(encodeYAML({ 'multi\nkey': 1 })).toBe('? |-\n  multi\n  key\n: 1\n')
  })

  it('sorts keys the way go-yaml does', () => {
    expect(goSortKeys(['v10', 'v9', 'aB', 'a_b', 'ab', 'a-b', 'B', 'a', 'kind', 'apiVersion'])).toEqual([
      'B',
      'a',
      'a-b',
      'a_b',
      'aB',
      'ab',
      'apiVersion',
      'kind',
      'v9',
      'v10'
    ])
  })
})

describe('numbers', () => {
  it.each([
    [0, '0'],
    [-0, '0'],
    [6443, '6443'],
    [-1, '-1'],
    [1.5, '1.5'],
    [-0.5, '-0.5'],
    [0.0001, '0.0001'],
    [0.00001, '1e-05'],
    [1e-7, '1e-07'],
    [123456.5, '123456.5'],
    [1234567.5, '1.2345675e+06'],
    [2 ** 63, '9223372036854776000'],
    [1e20, '1e+20'],
    [1e22, '1e+22']
  ])('%d -> %s', (n, text) => {
    expect(formatNumber(n)).toBe(text)
  })

  it('formats float keys with float32 precision', () => {
    expect(formatFloat32Key(2.5)).toBe('2.5')
    expect(formatFloat32Key(0.1)).toBe('0.1')
    expect(formatFloat32Key(1e6)).toBe('1e+06')
    expect(formatFloat64(Number.NaN)).toBe('.nan')
  })
})

describe('decodeYAML (YAML 1.1 as go-yaml reads it)', () => {
  it.each([
    ['yes', true],
    ['On', true],
    ['n', false],
    ['~', null],
    ['', null],
    ['0o17', 15],
    ['017', 15],
    ['0x1F', 31],
    ['-0b101', -5],
    ['1_000', 1000],
    ['08', 8],
    ['+.5', 0.5],
    ['.5', 0.5],
    ['1e400', '1e400'],
    ['2001-12-14', '2001-12-14'],
    ['1:20', '1:20'],
    ['v1.35.0', 'v1.35.0'],
    ['"yes"', 'yes'],
    ["'0x1F'", '0x1F'],
    ['!!str 5', '5'],
    ['!!int "7"', 7],
    ['!!float 3', 3]
  ])('%s', (text, value) => {
    expect(decodeYAML(`v: ${text}\n`)).toEqual({ v: value })
  })

  it('converts keys to strings, merges `<<`, resolves aliases', () => {
    expect(decodeYAML('1: a\n2.5: b\ntrue: c\n0x10: d\n')).toEqual({ '1': 'a', '2.5': 'b', true: 'c', '16': 'd' })
    expect(decodeYAML('base: &b {p: 1, q: 2}\nm:\n  <<: *b\n  q: 3\n')).toEqual({ base: { p: 1, q: 2 }, m: { p: 1, q: 3 } })
    // YAML 1.1: the key `y` is a boolean.
    expect(decodeYAML('y: 1\n')).toEqual({ true: 1 })
    expect(decodeYAML('m:\n  <<: [{a: 1}, {a: 2, c: 4}]\n')).toEqual({ m: { a: 1, c: 4 } })
  })

  it('reads only the first document, null for nothing, and treats NEL/LS/PS as line breaks', () => {
    expect(decodeYAML('# only a comment\n')).toBeNull()
    expect(decodeYAML('a: 1\n---\nb: 2\n')).toEqual({ a: 1 })
    expect(decodeYAML('{k: "a\u0085b"}\n')).toEqual({ k: 'a b' })
    expect(decodeYAML('a: 1\r\nb: 2\r\n')).toEqual({ a: 1, b: 2 })
  })

  it('rejects what go-yaml or encoding/json reject', () => {
    expect(() => decodeYAML('a: .nan\n')).toThrow(/unsupported value/)
    expect(() => decodeYAML('? [1]\n: 2\n')).toThrow(/invalid map key/)
    expect(() => decodeYAML('a: [1\n')).toThrow()
    expect(() => decodeYAML('a: !!int x\n')).toThrow('cannot decode !!str `x` as a !!int')
  })

  it('resolves plain scalars', () => {
    expect(resolvePlain('12345678901234567890')).toEqual({ tag: 'int', value: 12345678901234567890 })
    expect(resolvePlain('2001-02-29').tag).toBe('str')
    expect(resolvePlain('2000-02-29').tag).toBe('timestamp')
  })
})
