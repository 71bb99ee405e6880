// The kind CLI's command line, read as kind's cobra/pflag reads it: command choice, flag spellings,
// defaults, and the error messages kind prints.
import { describe, expect, it } from 'vitest'
import { formatGoDuration, parseGoDuration } from '../../../src/kind-cli/flags.js'
import { checkArgs, parseCommandLine } from '../../../src/kind-cli/parse.js'

const parse = (line: string) => parseCommandLine(line.split(' ').filter(Boolean))
const failure = (line: string): string => {
  try {
    checkArgs(parse(line))
  } catch (error) {
    return (error as Error).message
  }
  throw new Error(`${line}: no error`)
}

describe('choosing the command', () => {
  it.each([
    ['get clusters', 'get clusters', []],
    ['get nodes --name x', 'get nodes', []],
    ['--name x get nodes', 'root', ['get', 'nodes']],
    ['-q get nodes', 'get nodes', []],
    ['-v 3 load docker-image a b', 'load docker-image', ['a', 'b']],
    ['export logs /tmp/x --name y', 'export logs', ['/tmp/x']],
    ['delete clusters a b', 'delete clusters', ['a', 'b']],
    ['get nope', 'get', ['nope']],
    ['', 'root', []]
  ])('%s -> %s', (line, id, args) => {
    // `--name x get nodes`: --name is no root flag, so cobra stops at the root (and fails on it).
    if (line.startsWith('--name')) return expect(() => parse(line)).toThrow('unknown flag: --name')
    const parsed = parse(line)
    expect(parsed.command.id).toBe(id)
    expect(parsed.args).toEqual(args)
  })
})

describe('flags', () => {
  it('reads every spelling of a string flag', () => {
    for (const line of ['get nodes --name x', 'get nodes --name=x', 'get nodes -n x', 'get nodes -nx', 'get nodes -n=x']) {
      const parsed = parse(line)
      expect(parsed.flags.name).toBe('x')
      expect(parsed.changed.has('name')).toBe(true)
    }
  })

  it('keeps the default and records that the flag was not given', () => {
    const parsed = parse('get nodes')
    expect(parsed.flags.name).toBe('kind')
    expect(parsed.changed.has('name')).toBe(false)
    expect(parsed.flags['all-clusters']).toBe(false)
  })

  it('reads bools, grouped shorthands, string slices and durations', () => {
    expect(parse('get kubeconfig --internal').flags.internal).toBe(true)
    expect(parse('get kubeconfig --internal=false').flags.internal).toBe(false)
    expect(parse('get nodes -qA').flags).toMatchObject({ quiet: true, 'all-clusters': true })
    expect(parse('load docker-image a --nodes x,y --nodes z').flags.nodes).toEqual(['x', 'y', 'z'])
    expect(parse('create cluster --wait 2m').flags.wait).toBe(120_000)
    expect(parse('create cluster --wait=1m30s').flags.wait).toBe(90_000)
    expect(parse('create cluster -v 4').flags.verbosity).toBe(4)
  })

  it('takes what follows -- as arguments', () => {
    expect(parse('load docker-image -- --odd-image').args).toEqual(['--odd-image'])
  })

  it.each([
    ['get nodes --nope', 'unknown flag: --nope'],
    ['get nodes -x', "unknown shorthand flag: 'x' in -x"],
    ['get nodes --name', 'flag needs an argument: --name'],
    ['get nodes -n', "flag needs an argument: 'n' in -n"],
    ['get kubeconfig --internal=maybe', 'invalid argument "maybe" for "--internal" flag: strconv.ParseBool: parsing "maybe": invalid syntax'],
    ['create cluster --wait 2x', 'invalid argument "2x" for "--wait" flag: time: unknown unit "x" in duration "2x"'],
    ['create cluster --wait 5', 'invalid argument "5" for "--wait" flag: time: missing unit in duration "5"'],
    ['get clusters --help=x', 'invalid argument "x" for "--help" flag: strconv.ParseBool: parsing "x": invalid syntax']
  ])('%s fails with pflag\'s words', (line, message) => {
    expect(() => parse(line)).toThrow(message)
  })
})

describe('arguments', () => {
  it.each([
    ['get clusters extra', 'unknown command "extra" for "kind get clusters"'],
    ['load nope', 'unknown command "nope" for "kind load"'],
    ['nope', 'unknown command "nope" for "kind"'],
    ['load docker-image', 'a list of image names is required'],
    ['load image-archive', 'name of image archive is required'],
    ['export logs a b', 'accepts at most 1 arg(s), received 2']
  ])('%s: %s', (line, message) => {
    expect(failure(line)).toBe(message)
  })

  it('lets the groups take words (they show help and ask for a subcommand)', () => {
    expect(() => checkArgs(parse('get nope'))).not.toThrow()
  })
})

describe('Go durations', () => {
  it.each([
    ['0', 0],
    ['2m', 120_000],
    ['1h2m3s', 3_723_000],
    ['1.5s', 1500],
    ['300ms', 300]
  ])('%s is %d ms', (text, ms) => expect(parseGoDuration(text)).toBe(ms))

  it.each([
    [0, '0s'],
    [120_000, '2m0s'],
    [1500, '1.5s'],
    [3_723_000, '1h2m3s'],
    [300, '300ms']
  ])('%d ms prints as %s', (ms, text) => expect(formatGoDuration(ms)).toBe(text))

  it('refuses what Go refuses', () => {
    expect(() => parseGoDuration('')).toThrow('time: invalid duration ""')
    expect(() => parseGoDuration('m')).toThrow('time: invalid duration "m"')
  })
})
