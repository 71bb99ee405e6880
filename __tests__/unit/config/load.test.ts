import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ConfigError } from '../../../src/config/errors.js'
import { classifyConfigInput, loadClusterConfig, type LoadOptions } from '../../../src/config/load.js'
import { KIND_HEADER, ONE_CP_ONE_WORKER } from '../../helpers/kind-configs.js'

const HEADER = KIND_HEADER
const ACCEPTED = 'give the path of a kind Cluster config file, or the config itself as YAML'

let dir = ''
let options: LoadOptions

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kind-action-config-'))
  options = { defaultImage: 'kindest/node:v1.33.1', cwd: dir }
  mkdirSync(join(dir, 'ci'))
  writeFileSync(join(dir, 'ci', 'kind.yaml'), `${HEADER}name: from-file\nnodes:\n- role: control-plane\n  extraMounts:\n  - hostPath: data\n    containerPath: /data\n- role: worker\n`)
  writeFileSync(join(dir, 'invalid.yaml'), `${HEADER}nodes:\n- role: master\n  extraPortMappings:\n  - hostPort: 99999\n`)
  writeFileSync(join(dir, 'broken.yaml'), `${HEADER}nodes:\n- rol: worker\n`)
})

afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
})

function errorOf(run: () => unknown): ConfigError {
  try {
    run()
  } catch (error) {
    if (error instanceof ConfigError) return error
    throw error
  }
  throw new Error('expected a ConfigError')
}

describe('classifyConfigInput', () => {
  it.each([
    ['', { type: 'none' }],
    ['  \n ', { type: 'none' }],
    ['kind.yaml', { type: 'file', path: 'kind.yaml' }],
    ['  ./ci/kind.yaml  ', { type: 'file', path: './ci/kind.yaml' }],
    ['kind-config.yaml', { type: 'file', path: 'kind-config.yaml' }],
    ['/abs/path with spaces.yaml', { type: 'file', path: '/abs/path with spaces.yaml' }],
    ['apiVersion: kind.x-k8s.io/v1alpha4', { type: 'inline', text: 'apiVersion: kind.x-k8s.io/v1alpha4' }],
    ['kind: Cluster', { type: 'inline', text: 'kind: Cluster' }],
    ['kind : Cluster', { type: 'inline', text: 'kind : Cluster' }],
    ['{kind: Cluster}', { type: 'inline', text: '{kind: Cluster}' }],
    [`${HEADER}name: x`, { type: 'inline', text: `${HEADER}name: x` }],
    ['name: x\r\nnodes: []', { type: 'inline', text: 'name: x\r\nnodes: []' }]
  ])('classifies %j', (input, expected) => {
    expect(classifyConfigInput(input)).toStrictEqual(expected)
  })
})

describe('loadClusterConfig', () => {
  it('loads inline YAML, defaulted', () => {
    const cluster = loadClusterConfig(ONE_CP_ONE_WORKER, options)
    expect(cluster.name).toBe('kind')
    expect(cluster.nodes.map((n) => [n.role, n.image])).toEqual([
      ['control-plane', 'kindest/node:v1.33.1'],
      ['worker', 'kindest/node:v1.33.1']
    ])
    expect(cluster.networking.podSubnet).toBe('10.244.0.0/16')
  })

  it('loads a file relative to cwd, and resolves mounts against cwd (not the file’s directory), as kind does', () => {
    const cluster = loadClusterConfig('ci/kind.yaml', options)
    expect(cluster.name).toBe('from-file')
    expect(cluster.nodes.map((n) => n.role)).toEqual(['control-plane', 'worker'])
    expect(cluster.nodes[0]?.extraMounts[0]?.hostPath).toBe(join(dir, 'data'))
  })

  it('loads a file by absolute path', () => {
    expect(loadClusterConfig(join(dir, 'ci', 'kind.yaml'), { ...options, cwd: '/' }).name).toBe('from-file')
  })

  it('applies the name and image overrides to a config', () => {
    const cluster = loadClusterConfig('ci/kind.yaml', { ...options, nameOverride: 'override', imageOverride: 'img:2' })
    expect(cluster.name).toBe('override')
    expect(cluster.nodes.map((n) => n.image)).toEqual(['img:2', 'img:2'])
  })

  it('reports a missing file, naming the input and the resolved path', () => {
    const error = errorOf(() => loadClusterConfig('nope.yaml', options))
    expect(error.source).toBe('config')
    expect(error.message).toBe(`config: file "nope.yaml" (${join(dir, 'nope.yaml')}) does not exist; ${ACCEPTED}`)
  })

  it('reports a missing absolute path without repeating it', () => {
    const missing = join(dir, 'missing.yaml')
    expect(errorOf(() => loadClusterConfig(missing, options)).message).toBe(`config: file "${missing}" does not exist; ${ACCEPTED}`)
  })

  it('reports a directory', () => {
    expect(errorOf(() => loadClusterConfig('ci', options)).message).toBe(`config: "ci" (${join(dir, 'ci')}) is a directory; ${ACCEPTED}`)
  })

  it('names the file in parse problems', () => {
    const error = errorOf(() => loadClusterConfig('broken.yaml', options))
    expect(error.message).toBe('broken.yaml: nodes[0].rol: unknown field (did you mean role?)')
  })

  it('names the file in validation problems, one line each', () => {
    const error = errorOf(() => loadClusterConfig('invalid.yaml', options))
    expect(error.source).toBe('invalid.yaml')
    expect(error.problems).toEqual([
      'nodes[0].role: "master" is not a role; use control-plane or worker',
      'nodes[0].extraPortMappings[0].hostPort: 99999 is out of range; use 0 (a free port is chosen), -1 (Docker chooses) or 1-65535',
      'nodes: no control-plane node; give at least one node the role control-plane'
    ])
    expect(error.message.split('\n')).toEqual(error.problems.map((p) => `invalid.yaml: ${p}`))
  })

  it('calls inline YAML "config (inline)" in problems', () => {
    const error = errorOf(() => loadClusterConfig(`${HEADER}networking:\n  ipFamily: ipv5\n`, options))
    expect(error.message).toBe('config (inline): networking.ipFamily: "ipv5" is not an IP family; use ipv4, ipv6 or dual')
  })

  it('calls a one-line inline config "config (inline)" too', () => {
    expect(errorOf(() => loadClusterConfig('kind: Cluster', options)).message).toBe(
      'config (inline): apiVersion: missing; use kind.x-k8s.io/v1alpha4'
    )
  })

  it('builds the cluster from the node counts when there is no config', () => {
    expect(loadClusterConfig('', options).nodes.map((n) => n.role)).toEqual(['control-plane'])
    expect(loadClusterConfig('', { ...options, shorthand: { controlPlanes: 1, workers: 2 } }).nodes.map((n) => n.role)).toEqual([
      'control-plane',
      'worker',
      'worker'
    ])
  })

  it('names the inputs when a cluster without config is invalid', () => {
    expect(errorOf(() => loadClusterConfig('', { ...options, nameOverride: 'Bad' })).message).toBe(
      'inputs: name: "Bad" is not a valid cluster name; use lower-case letters, digits, "." and "-" (^[a-z0-9.-]+$)'
    )
  })
})
