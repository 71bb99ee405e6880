// Runs the hack/images scripts of this action's own checkout: on a runner the whole repository is
// downloaded for `uses: <org>/kind-action/build-node-image@v1`, so the sub-action and the test fixtures
// run the same builder. The scripts need root (debootstrap, chroot): elsewhere they run under sudo, as
// GitHub's hosted runners allow.
import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'

export interface ScriptResult {
  exitCode: number
  /** The last lines of the output, for the error annotation. */
  tail: string[]
}

const TAIL_LINES = 20

function command(script: string, args: string[], env: Record<string, string>): [string, string[]] {
  if (process.getuid?.() === 0) return ['bash', [script, ...args]]
  // sudo's secure_path would hide the runner's Go; env passes PATH and the stage's variables through.
  const vars = Object.entries({ PATH: process.env.PATH ?? '', ...env }).map(([k, v]) => `${k}=${v}`)
  return ['sudo', ['-E', 'env', ...vars, 'bash', script, ...args]]
}

/** Runs one script, streaming its output line by line to `log`. */
export function runScript(
  script: string,
  args: string[],
  env: Record<string, string>,
  log: (line: string) => void
): Promise<ScriptResult> {
  const [file, argv] = command(script, args, env)
  return new Promise(resolve => {
    const child = spawn(file, argv, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
    const tail: string[] = []
    let pending = ''
    const onData = (chunk: Buffer): void => {
      const lines = (pending + chunk.toString('utf8')).split('\n')
      pending = lines.pop() ?? ''
      for (const line of lines) {
        log(line)
        tail.push(line)
        if (tail.length > TAIL_LINES) tail.shift()
      }
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', onData)
    child.on('error', error => resolve({ exitCode: 127, tail: [`${file}: ${error.message}`] }))
    child.on('close', code => {
      if (pending) {
        log(pending)
        tail.push(pending)
      }
      resolve({ exitCode: code ?? 1, tail })
    })
  })
}

/** Runs a script and returns its standard output, trimmed; throws with its last lines on failure. */
export async function scriptOutput(script: string, args: string[], env: Record<string, string> = {}): Promise<string> {
  const lines: string[] = []
  const result = await runScript(script, args, env, line => lines.push(line))
  if (result.exitCode !== 0) throw new Error(`${script} ${args.join(' ')}: exit ${result.exitCode}: ${result.tail.join(' ').trim()}`)
  return lines.join('\n').trim()
}

/** A hash of every file under `dir` (names, executable bits, contents), in name order. */
export function treeHash(dir: string): string {
  const hash = createHash('sha256')
  const walk = (path: string): void => {
    for (const name of readdirSync(path).sort()) {
      const full = join(path, name)
      const stat = statSync(full)
      if (stat.isDirectory()) walk(full)
      else hash.update(`${relative(dir, full)} ${stat.mode & 0o111 ? 'x' : '-'} `).update(readFileSync(full))
    }
  }
  walk(dir)
  return hash.digest('hex')
}
