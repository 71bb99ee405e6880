// Puts a `kind` command on PATH for later steps: a shell shim that runs this action's bundled kind CLI
// (dist/kind-cli) with the node running the action. The kind_cli input decides when: `true` always
// (ours comes first on PATH), `false` never, `auto` when there is no kind on PATH or the one there is
// older than v0.32 — whose `kind load` fails on v0.32+ node images (kind's release notes), while the
// runner images ship an older kind. A kind v0.32+ already there is the user's choice and stays.
import { execFile } from 'node:child_process'
import { accessSync, chmodSync, constants, mkdirSync, statSync, writeFileSync } from 'node:fs'
import { delimiter, join, resolve } from 'node:path'
import type { KindCliMode } from '../inputs.js'

/** The first kind release whose `kind load` works with the node images of kind v0.32 and later. */
const NEEDED = [0, 32, 0]

export interface KindCliDecision {
  install: boolean
  /** The `kind` later steps get: ours, the one found, or '' for none. */
  reason: string
}

/** The `vX.Y.Z` of `kind version` output (`kind v0.31.0 go1.25.5 linux/amd64`), if any. */
export function parseKindVersion(output: string): number[] | undefined {
  const match = /\bv?(\d+)\.(\d+)\.(\d+)/.exec(output)
  return match ? match.slice(1, 4).map(Number) : undefined
}

function older(a: number[], b: number[]): boolean {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] < b[i]
  return false
}

export function decideKindCli(mode: KindCliMode, existing?: { path: string; versionOutput?: string }): KindCliDecision {
  if (mode === 'false') return { install: false, reason: 'kind_cli: false, no kind CLI put on PATH' }
  if (mode === 'true') return { install: true, reason: "kind_cli: true, the action's kind CLI goes first on PATH" }
  if (!existing) return { install: true, reason: "kind_cli: auto and no kind on PATH: the action's kind CLI is put there" }
  const version = existing.versionOutput === undefined ? undefined : parseKindVersion(existing.versionOutput)
  if (!version) {
    return { install: true, reason: `kind_cli: auto and ${existing.path} gave no version: the action's kind CLI goes first on PATH` }
  }
  const shown = `v${version.join('.')}`
  if (older(version, NEEDED)) {
    return {
      install: true,
      reason: `kind_cli: auto and ${existing.path} is kind ${shown}, older than v0.32 (its kind load fails on v0.32+ node images): the action's kind CLI goes first on PATH`
    }
  }
  return { install: false, reason: `kind_cli: auto and ${existing.path} is kind ${shown}: it stays the kind on PATH` }
}

/** The first executable `name` on a PATH, skipping `skip` (our own shim's directory). */
export function findOnPath(name: string, pathEnv: string | undefined, skip?: string): string | undefined {
  for (const dir of (pathEnv ?? '').split(delimiter).filter(Boolean)) {
    if (skip && resolve(dir) === resolve(skip)) continue
    const candidate = join(dir, name)
    try {
      if (!statSync(candidate).isFile()) continue
      accessSync(candidate, constants.X_OK)
      return candidate
    } catch {
      continue
    }
  }
  return undefined
}

/** `<kind> version` (10 s at most); undefined when it does not run. */
export function kindVersionOutput(path: string): Promise<string | undefined> {
  return new Promise(done => {
    execFile(path, ['version'], { timeout: 10_000 }, (error, stdout) => done(error ? undefined : stdout))
  })
}

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`
}

/** The shim: a POSIX shell script, so the command works from any shell and from execve. */
export function shimScript(node: string, script: string): string {
  return `#!/bin/sh\n# kind, as the kind-action CLI (dist/kind-cli); see the action's kind_cli input.\nexec ${shellQuote(node)} ${shellQuote(script)} "$@"\n`
}

export function writeShim(dir: string, node: string, script: string): string {
  mkdirSync(dir, { recursive: true })
  const path = join(dir, 'kind')
  writeFileSync(path, shimScript(node, script))
  chmodSync(path, 0o755)
  return path
}

export interface KindCliSetup {
  /** The kind command later steps get ('' when none). */
  path: string
  /** The directory to add to PATH, when ours was installed. */
  addToPath?: string
  reason: string
}

export async function setUpKindCli(options: { mode: KindCliMode; pathEnv: string | undefined; runnerTemp: string; node: string; script: string }): Promise<KindCliSetup> {
  const dir = join(options.runnerTemp, 'kind-action-kind-cli')
  const found = options.mode === 'auto' ? findOnPath('kind', options.pathEnv, dir) : undefined
  const existing = found ? { path: found, versionOutput: await kindVersionOutput(found) } : undefined
  const decision = decideKindCli(options.mode, existing)
  if (!decision.install) return { path: options.mode === 'auto' ? (found ?? '') : '', reason: decision.reason }
  return { path: writeShim(dir, options.node, options.script), addToPath: dir, reason: decision.reason }
}
