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
import { createHash, createHmac, randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

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
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
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
