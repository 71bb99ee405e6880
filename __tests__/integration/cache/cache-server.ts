// Starts the stand-in for GitHub's cache service on 127.0.0.1: nektos/act's artifact cache server behind
// our small main (hack/fixtures/cache-server), built once by hack/fixtures/build-act.sh. It speaks the v1
// REST protocol; @actions/cache uses it when ACTIONS_CACHE_URL is set and ACTIONS_CACHE_SERVICE_V2 is not.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

const BUILD_SCRIPT = resolve(import.meta.dirname, '../../../hack/fixtures/build-act.sh')

export interface CacheServer {
  url: string
  /** Where the server keeps its entries (under cache/). */
  dir: string
  stop(): Promise<void>
}

export function buildCacheServer(): string {
  return execFileSync('bash', [BUILD_SCRIPT], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim()
}

export async function startCacheServer(): Promise<CacheServer> {
  const bin = buildCacheServer()
  const dir = mkdtempSync(join(tmpdir(), 'kat-cache-server-'))
  const child: ChildProcess = spawn(bin, ['-dir', dir], { stdio: ['pipe', 'pipe', 'inherit'] })
  const url = await new Promise<string>((ok, fail) => {
    let out = ''
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      fail(new Error('the cache server did not start within 10 s'))
    }, 10_000)
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      const match = /^ACTIONS_CACHE_URL=(\S+)$/m.exec(out)
      if (match) {
        clearTimeout(timer)
        ok(match[1])
      }
    })
    child.on('exit', code => fail(new Error(`the cache server exited with ${code}`)))
  })
  return {
    url,
    dir,
    stop: async () => {
      const exited = new Promise(r => child.once('exit', r))
      child.stdin!.end()
      await exited
      rmSync(dir, { recursive: true, force: true })
    }
  }
}

/** Points @actions/cache at `url` with the v1 protocol; returns a function restoring the environment. */
export function useCacheService(url: string | undefined, runnerTemp: string): () => void {
  const names = ['ACTIONS_CACHE_URL', 'ACTIONS_RESULTS_URL', 'ACTIONS_CACHE_SERVICE_V2', 'ACTIONS_RUNTIME_TOKEN', 'RUNNER_TEMP', 'GITHUB_SERVER_URL']
  const saved = Object.fromEntries(names.map(n => [n, process.env[n]]))
  for (const n of names) delete process.env[n]
  if (url) {
    process.env.ACTIONS_CACHE_URL = url
    process.env.ACTIONS_RUNTIME_TOKEN = 'local-test-token'
  }
  process.env.RUNNER_TEMP = runnerTemp
  return () => {
    for (const n of names) {
      if (saved[n] === undefined) delete process.env[n]
      else process.env[n] = saved[n]
    }
  }
}
