// hack/check-imports.mjs on the real source, and on small trees that break each rule once, so a
// checker that stopped seeing a rule would fail here rather than pass everything.
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { describe, expect, it } from 'vitest'

const CHECKER = join(__dirname, '../../hack/check-imports.mjs')

function check(root: string): { code: number; lines: string[] } {
  try {
    const out = execFileSync(process.execPath, [CHECKER, root], { encoding: 'utf8' })
    return { code: 0, lines: out.trim().split('\n') }
  } catch (error) {
    const e = error as { status: number; stdout: string }
    return { code: e.status, lines: e.stdout.trim().split('\n') }
  }
}

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'layers-'))
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true })
    writeFileSync(join(root, path), text)
  }
  return root
}

const longFunction = `export function long(): number {\n${'  let x = 1\n'.repeat(85)}  return x\n}\n`

describe('the source layering (hack/check-imports.mjs)', () => {
  it('holds for src/: no cycle, no upward import, no adapter outside the steps, short cluster functions', () => {
    const { code, lines } = check(join(__dirname, '../../src'))
    expect(lines).toEqual([expect.stringMatching(/is layered, acyclic/)])
    expect(code).toBe(0)
    // Parsing all of src/ takes a few seconds on a loaded 2-core machine: more than the default 5 s.
  }, 60_000)

  it('accepts a well-layered tree', () => {
    const root = tree({
      'config/types.ts': 'export interface A { a: number }\n',
      'cluster/plan.ts': "import type { A } from '../config/types.js'\nexport const plan = (a: A) => a.a\n",
      'main.ts': "import { plan } from './cluster/plan.js'\nimport { DockerodePort } from './docker/dockerode-port.js'\nplan({ a: 1 }); new DockerodePort()\n",
      'docker/dockerode-port.ts': 'export class DockerodePort {}\n'
    })
    expect(check(root)).toEqual({ code: 0, lines: [expect.stringMatching(/is layered/)] })
  })

  it('finds a cycle made of type-only imports', () => {
    const root = tree({
      'cluster/a.ts': "import type { B } from './b.js'\nexport interface A { b?: B }\n",
      'cluster/b.ts': "import type { A } from './a.js'\nexport interface B { a?: A }\n"
    })
    const { code, lines } = check(root)
    expect(code).toBe(1)
    expect(lines).toContain('import cycle: cluster/a.ts -> cluster/b.ts -> cluster/a.ts')
  })

  it('finds an import from a higher layer, also through export-from and import()', () => {
    const root = tree({
      'state.ts': 'export interface S { s: 1 }\n',
      'main.ts': 'export const x = 1\n',
      'cache/steps.ts': "import type { S } from '../state.js'\nexport type T = S\n",
      'config/index.ts': "export { x } from '../main.js'\n",
      'logs/late.ts': "export type L = import('../main.js').X\n"
    })
    const { code, lines } = check(root)
    expect(code).toBe(1)
    expect(lines).toEqual(
      expect.arrayContaining([
        'cache/steps.ts (services) imports state.ts (action): a lower layer must not import a higher one',
        'config/index.ts (foundation) imports main.ts (steps): a lower layer must not import a higher one',
        'logs/late.ts (services) imports main.ts (steps): a lower layer must not import a higher one'
      ])
    )
  })

  it('finds the adapter imported below the steps, a long cluster function, and a file in no layer', () => {
    const root = tree({
      'docker/dockerode-port.ts': 'export const isNotFound = () => false\n',
      'cluster/delete.ts': "import { isNotFound } from '../docker/dockerode-port.js'\nexport const d = isNotFound\n",
      'cluster/create.ts': longFunction,
      'config/long.ts': longFunction,
      'stray.ts': 'export {}\n'
    })
    const { code, lines } = check(root)
    expect(code).toBe(1)
    expect(lines.slice(0, -1).sort()).toEqual([
      'cluster/create.ts:1: function long is 88 lines (at most 80 in cluster/)',
      'cluster/delete.ts imports the adapter docker/dockerode-port.ts: only the steps choose an adapter; import the port instead',
      'stray.ts: in no layer (add it to LAYERS in hack/check-imports.mjs)'
    ])
    expect(lines.at(-1)).toMatch(/^check-imports: 3 problem\(s\)/)
  })
})
