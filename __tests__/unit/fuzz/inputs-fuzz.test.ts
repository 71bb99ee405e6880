// Inputs fuzzed (issue 18): random and adversarial values for every input of the action and for the
// fields of a kind config, each run through the real main step (src/main.ts run) with a Docker port
// that throws if it is called. Every run must either get past validation (then the first thing it does
// is ask Docker whether the name is free, and the port says so) or fail before Docker with one clear
// error annotation that names the input or config field; never a stack trace or a JavaScript error
// message, never slowly. FUZZ_SEED and FUZZ_RUNS choose another seed and more random runs.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { run } from '../../../src/main.js'
import type { DockerPort } from '../../../src/docker/port.js'
import { KIND_HEADER } from '../../helpers/kind-configs.js'

const SEED = Number(process.env.FUZZ_SEED ?? 18)
const RANDOM_RUNS = Number(process.env.FUZZ_RUNS ?? 1500)

const INPUTS = [
  'cluster_name', 'node_image', 'kubernetes_version', 'config', 'control_planes', 'workers', 'wait', 'kubeconfig',
  'kubectl_version', 'cleanup', 'keep_on_failure', 'logs', 'logs_retention_days', 'logs_dir', 'cache', 'load_images',
  'load_balancer_image'
] as const
type InputName = (typeof INPUTS)[number]

/** Valid inputs that get as far as Docker: each case changes some of them. */
const BASELINE: Partial<Record<InputName, string>> = { cluster_name: 'fuzz', node_image: 'kindest/node:v1.33.1' }

// The port is a stand-in by design: the point is that nothing reaches a Docker Engine at all.
class DockerReached extends Error {}
let dockerCalls = 0
const throwingPort = new Proxy({} as DockerPort, {
  get: (_target, property) => () => {
    dockerCalls++
    throw new DockerReached(`Docker port called (${String(property)})`)
  }
})

function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const workspace = mkdtempSync(join(tmpdir(), 'kind-action-fuzz-'))
mkdirSync(join(workspace, 'a-directory'))
writeFileSync(join(workspace, 'ten-mb.yaml'), `${KIND_HEADER}# ${'x'.repeat(10 * 1024 * 1024)}\n`)
writeFileSync(join(workspace, 'valid.yaml'), `${KIND_HEADER}nodes:\n- role: control-plane\n`)
writeFileSync(join(workspace, 'binary.yaml'), Buffer.from([0, 1, 2, 0xff, 0xfe, 0x1b, 0x5b, 0x33, 0x31, 0x6d]))
afterAll(() => void 0)

/** Values that broke or could break parsers: numbers at the edges, odd text, paths that escape. */
const ADVERSARIAL = [
  '', ' ', '\t', '\n', '0', '-1', '-0', '1', '9', '10', '51', '1e3', '1e309', '99999999999999999999999', '0x10', '1.5', ' 3 ', '+1',
  'NaN', 'Infinity', '-Infinity', 'true', 'false', 'TRUE', 'yes', 'null', 'undefined', '[object Object]', '{}', '[]',
  '${{ matrix.k8s }}', '%0A', '::error::injected', '\u0000', 'a\u0000b', '\u001b[31mred', '\r', 'a\rb', '\u2028', '\ufeffkind',
  'é', 'ünïcödé', '日本語', '🙂', '\ud800', 'Kind', 'UPPER', '-leading', '.dot', 'a'.repeat(64), 'a'.repeat(300), 'x'.repeat(200_000),
  '../../../../etc/passwd', '/etc/passwd', '/dev/zero', '/dev/urandom', '/proc/self/environ', '/', '.', '..', '~', '~/x',
  'a-directory', 'ten-mb.yaml', 'binary.yaml', 'valid.yaml', 'does-not-exist.yaml', 'C:\\Windows\\x', '\\\\server\\share',
  '5m', '0s', '90s', '1m30s', '500ms', '7h', '1000000h', '99999999999999999999s', '1.5.5m', '-5m', '5 m', 'm', '1d',
  'v1.34.2', '1.34', 'v1.99.0', 'v0.0.0', '1.34.2.1', 'v1.34.2-rc.1', 'latest',
  'kindest/node:v1.33.1', 'kindest/node', 'kindest/node:', ':tag', 'UPPER/case:x', 'a b:c', 'img@sha256:abc', 'img@sha256:' + 'a'.repeat(64),
  'on-failure', 'always', 'never', 'auto', 'a,b,,c', 'a\nb\n\nc', ',,,', 'x,'.repeat(5000)
]

const CONFIG_BOMB = [
  KIND_HEADER.trimEnd(),
  'a: &a ["x","x","x","x","x","x","x","x","x","x"]',
  ...Array.from({ length: 9 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10).fill(`*${String.fromCharCode(97 + i)}`).join(',')}]`),
  'nodes: [{role: control-plane, labels: {x: y}}]'
].join('\n')

/** Whole configs that attack the parser rather than one field. */
const HOSTILE_CONFIGS: [string, string][] = [
  ['alias bomb in unknown fields', CONFIG_BOMB],
  ['alias bomb in a field', `${KIND_HEADER}x: &x [a,a,a,a,a,a,a,a,a,a]\ny: &y [*x,*x,*x,*x,*x,*x,*x,*x,*x,*x]\nz: &z [*y,*y,*y,*y,*y,*y,*y,*y,*y,*y]\nnodes: [*z,*z,*z,*z,*z,*z,*z,*z,*z,*z]\n`],
  ['alias bomb through merge keys', `${KIND_HEADER}nodes:\n- &n {role: worker, labels: &l {a: b}}\n- <<: *n\n  labels: {<<: *l, <<: *l}\n`],
  ['alias bomb in kubeadmConfigPatches', `${KIND_HEADER}x: &x [a,a,a,a,a,a,a,a,a,a]\ny: &y [*x,*x,*x,*x,*x,*x,*x,*x,*x,*x]\nkubeadmConfigPatches: [*y,*y,*y,*y,*y,*y,*y,*y,*y,*y]\n`],
  ['10 MB inline', `${KIND_HEADER}# ${'y'.repeat(10 * 1024 * 1024)}\n`],
  ['10 MB of labels', `${KIND_HEADER}nodes:\n- role: control-plane\n  labels:\n${Array.from({ length: 300_000 }, (_, i) => `    k${i}: v${i}`).join('\n')}\n`],
  ['100k nodes', `${KIND_HEADER}nodes:\n${'- role: worker\n'.repeat(100_000)}`],
  ['deep nesting', `${KIND_HEADER}x: ${'['.repeat(5000)}${']'.repeat(5000)}\n`],
  ['deep nesting in a field', `${KIND_HEADER}networking: ${'{a: '.repeat(3000)}b${'}'.repeat(3000)}\n`],
  ['recursive alias', `${KIND_HEADER}nodes: &n\n- role: control-plane\n  labels: *n\n`],
  ['unknown tag', `${KIND_HEADER}name: !!js/function "function(){}"\n`],
  ['binary tag', `${KIND_HEADER}name: !!binary aGVsbG8=\n`],
  ['duplicate keys', `${KIND_HEADER}name: a\nname: b\n`],
  ['two documents', `${KIND_HEADER}---\n${KIND_HEADER}`],
  ['JSON', '{"kind":"Cluster","apiVersion":"kind.x-k8s.io/v1alpha4","nodes":[{"role":"control-plane","extraPortMappings":[{"containerPort":1e400}]}]}'],
  ['control characters', `${KIND_HEADER}name: "a\\u0000b\\u001bc"\n`],
  ['tab indentation', `${KIND_HEADER}nodes:\n\t- role: worker\n`],
  ['BOM and CRLF', `\ufeff${KIND_HEADER.replace(/\n/g, '\r\n')}nodes:\r\n- role: control-plane\r\n`]
]

/** A config with every field: each leaf is replaced in turn by hostile YAML values. */
const RICH_CONFIG = {
  kind: 'Cluster',
  apiVersion: 'kind.x-k8s.io/v1alpha4',
  name: 'fuzz',
  featureGates: { SomeGate: true },
  runtimeConfig: { 'api/alpha': 'false' },
  networking: {
    ipFamily: 'ipv4', apiServerAddress: '127.0.0.1', apiServerPort: 6443, podSubnet: '10.244.0.0/16',
    serviceSubnet: '10.96.0.0/16', disableDefaultCNI: false, kubeProxyMode: 'iptables', dnsSearch: ['example.com']
  },
  kubeadmConfigPatches: ['kind: ClusterConfiguration\napiServer:\n  extraArgs:\n    v: "2"\n'],
  kubeadmConfigPatchesJSON6902: [{ group: 'kubeadm.k8s.io', version: 'v1beta3', kind: 'ClusterConfiguration', patch: '- op: add\n  path: /x\n  value: 1\n' }],
  containerdConfigPatches: ['[plugins]\n'],
  containerdConfigPatchesJSON6902: ['[]'],
  nodes: [
    {
      role: 'control-plane', image: 'kindest/node:v1.33.1', labels: { tier: 'a' },
      extraMounts: [{ hostPath: '/tmp', containerPath: '/host', readOnly: true, selinuxRelabel: false, propagation: 'None' }],
      extraPortMappings: [{ containerPort: 80, hostPort: 8080, listenAddress: '127.0.0.1', protocol: 'TCP' }],
      kubeadmConfigPatches: ['kind: InitConfiguration\n']
    },
    { role: 'worker' }
  ]
}

const HOSTILE_YAML_VALUES = [
  '-1', '0', '-99999999999', '99999999999999999999999999', '1e400', '-1e400', '.nan', '.inf', '0x7fffffff', '0o777', '1_000',
  '""', '" "', '"\\u0000"', '"\\u001b[2J"', '"\\t"', '"../../../../etc"', '"/"', '"日本"', '"🙂"', `"${'z'.repeat(100_000)}"`,
  'null', '~', 'true', 'yes', '[]', '{}', '[[[[]]]]', '{a: {b: {c: d}}}', '!!binary aGk=', '!!timestamp 2001-12-14', '*undefined_alias'
]

interface Leaf {
  path: string
  set: (value: unknown) => unknown
}

/** Field paths as the config messages write them (`nodes[0].extraPortMappings[0].hostPort`), each with a setter. */
function leaves(value: unknown, path = '', set: (v: unknown) => unknown = v => v): Leaf[] {
  if (Array.isArray(value)) {
    return value.flatMap((item, i) => leaves(item, `${path}[${i}]`, v => set(value.map((x, j) => (j === i ? v : x)))))
  }
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, item]) =>
      leaves(item, path ? `${path}.${k}` : k, v => set({ ...(value as Record<string, unknown>), [k]: v }))
    )
  }
  return [{ path, set }]
}

/** Renders the config with one leaf as raw YAML text (so hostile YAML stays what it is). */
function withRawLeaf(leaf: Leaf, yamlText: string): string {
  const marker = '__FUZZ_MARKER__'
  return JSON.stringify(leaf.set(marker), null, 1).replace(`"${marker}"`, yamlText)
}

/** The parent paths of a field path: nodes[0].labels.tier -> nodes[0].labels, nodes[0], nodes. */
function pathAndParents(path: string): string[] {
  const out = [path]
  let p = path
  while (/[.[]/.test(p)) {
    p = p.replace(/(\.[^.[]*|\[\d+\])$/, '')
    out.push(p)
  }
  return out
}

interface Outcome {
  reachedDocker: boolean
  errors: string[]
  output: string
  ms: number
}

async function runMain(inputs: Partial<Record<InputName, string>>): Promise<Outcome> {
  const saved = { ...process.env }
  for (const name of INPUTS) delete process.env[`INPUT_${name.toUpperCase()}`]
  for (const [name, value] of Object.entries(inputs)) process.env[`INPUT_${name.toUpperCase()}`] = value.replace(/\u0000/g, '\\0')
  let output = ''
  const write = vi.spyOn(process.stdout, 'write').mockImplementation(chunk => {
    output += String(chunk)
    return true
  })
  const before = dockerCalls
  const start = performance.now()
  try {
    await run(throwingPort, { GITHUB_WORKSPACE: workspace, HOME: workspace })
  } finally {
    write.mockRestore()
    process.env = saved
    process.exitCode = undefined
  }
  const errors = output.split('\n').filter(l => l.startsWith('::error::'))
  return { reachedDocker: dockerCalls > before, errors, output, ms: performance.now() - start }
}

// Words of JavaScript's own errors: a user cannot act on them.
const CRASH = /Cannot read propert|is not a function|is not iterable|undefined is not|Maximum call stack|Invalid (array|string) length|out of memory|\bat \S+ \(.*:\d+:\d+\)|TypeError|RangeError|ReferenceError|SyntaxError: Unexpected/

let tried = 0
let rejected = 0

/** The checks every run must pass; `names` are what a rejection's message must mention (one of them). */
function expectClear(outcome: Outcome, names: string[], what: string): void {
  tried++
  const context = `${what}\n${outcome.output.slice(0, 2000)}`
  expect(outcome.errors, context).toHaveLength(1)
  expect(outcome.output, context).not.toMatch(CRASH)
  expect(outcome.ms, context).toBeLessThan(5000)
  const [error] = outcome.errors
  if (outcome.reachedDocker) {
    expect(error, context).toMatch(/^::error::Checking the cluster name is free: Docker port called/)
    return
  }
  rejected++
  expect(error, context).toMatch(/^::error::validating inputs: /)
  const said = error.slice('::error::validating inputs: '.length)
  expect(names.some(n => said.includes(n)), `${context}\nshould name one of ${names.join(', ')}`).toBe(true)
}

const printable = (s: string): string => JSON.stringify(s.length > 60 ? `${s.slice(0, 60)}…(${s.length})` : s)

describe('inputs fuzz: nothing reaches Docker unless valid, every rejection names its input', () => {
  // Thousands of runs of the whole main step: seconds each block, not the default 5 s.
  const LONG = 120_000

  it('each input alone, with each adversarial value', async () => {
    for (const name of INPUTS) {
      for (const value of ADVERSARIAL) {
        const inputs = { ...BASELINE, [name]: value }
        // A config file's problems are reported under its path, as the user wrote it into `config`.
        const names = [name, ...(name === 'config' ? [value.trim()] : [])]
        expectClear(await runMain(inputs), names, `${name}=${printable(value)}`)
      }
    }
  }, LONG)

  it('path traversal and things in the way in kubeconfig and logs_dir', async () => {
    // A path that escapes the workspace is the user's choice and is taken as written; what cannot be
    // written (a directory where the kubeconfig goes, a file where the log bundle goes) fails up front.
    const rejected: [InputName, string][] = [
      ['kubeconfig', '/'], ['kubeconfig', '.'], ['kubeconfig', '..'], ['kubeconfig', join(workspace, 'a-directory')],
      ['kubeconfig', join(workspace, 'valid.yaml', 'config')],
      ['logs_dir', 'valid.yaml'], ['logs_dir', 'valid.yaml/sub'], ['logs_dir', '../../../../etc/passwd'], ['logs_dir', '/proc/self/environ']
    ]
    for (const [name, value] of rejected) {
      const outcome = await runMain({ ...BASELINE, [name]: value })
      expect(outcome.reachedDocker, `${name}=${value}`).toBe(false)
      expectClear(outcome, [`${name}: `], `${name}=${printable(value)}`)
    }
    for (const [name, value] of [['kubeconfig', join(workspace, '../../../../tmp/kind-action-fuzz-kubeconfig')], ['logs_dir', '../../../../tmp/kind-action-fuzz-logs']] as const) {
      const outcome = await runMain({ ...BASELINE, [name]: value })
      expect(outcome.reachedDocker, `${name}=${value} is a writable path, taken as written`).toBe(true)
      expectClear(outcome, [name], `${name}=${printable(value)}`)
    }
  }, LONG)

  it('hostile whole configs', async () => {
    for (const [what, config] of HOSTILE_CONFIGS) {
      expectClear(await runMain({ ...BASELINE, config }), ['config'], `config: ${what}`)
    }
  }, LONG)

  it('every config field with each hostile YAML value', async () => {
    for (const leaf of leaves(RICH_CONFIG)) {
      for (const value of HOSTILE_YAML_VALUES) {
        const config = withRawLeaf(leaf, value)
        // Map keys are written as featureGates["SomeGate"]: the map's own path followed by `[` names it too.
        const names = pathAndParents(leaf.path).flatMap(p => [`${p}:`, `${p}[`])
        expectClear(await runMain({ cluster_name: 'fuzz', config }), names, `config ${leaf.path}=${printable(value)}`)
      }
    }
  }, LONG)

  it(`random inputs (seed ${SEED}, ${RANDOM_RUNS} runs)`, async () => {
    const random = prng(SEED)
    const pick = <T,>(list: readonly T[]): T => list[Math.floor(random() * list.length)]
    const randomText = (): string => {
      const length = Math.floor(random() ** 3 * 200)
      let s = ''
      for (let i = 0; i < length; i++) {
        const r = random()
        s += String.fromCodePoint(r < 0.5 ? 32 + Math.floor(random() * 95) : r < 0.7 ? Math.floor(random() * 32) : r < 0.9 ? Math.floor(random() * 0x3000) : 0x1f300 + Math.floor(random() * 500))
      }
      return s
    }
    for (let i = 0; i < RANDOM_RUNS; i++) {
      const inputs: Partial<Record<InputName, string>> = random() < 0.5 ? { ...BASELINE } : {}
      const changed: InputName[] = []
      for (let n = 1 + Math.floor(random() * 4); n > 0; n--) {
        const name = pick(INPUTS)
        changed.push(name)
        inputs[name] = random() < 0.6 ? pick(ADVERSARIAL) : randomText()
      }
      const configPath = inputs.config?.trim()
      const names = [...changed, 'config', 'control_planes', 'workers', 'node_image', 'kubernetes_version', 'name:', ...(configPath ? [configPath] : [])]
      expectClear(await runMain(inputs), names, `run ${i} (FUZZ_SEED=${SEED}): ${JSON.stringify(inputs).slice(0, 400)}`)
    }
  }, LONG)

  afterAll(() => {
    console.log(`inputs fuzz: ${tried} inputs tried (${rejected} rejected before Docker, ${tried - rejected} valid), none crashed`)
  })
})
