// A tiny read-only registry on 127.0.0.1, standing in for Docker Hub in tests (no registry is reachable
// here). It serves one image made from `docker save` output: gzip'd layers, the config, and a
// Docker schema 2 manifest, through the few Distribution API calls a `docker pull` makes. The Engine
// allows plain HTTP to 127.0.0.0/8, so a pull by digest gives an image with a real repository digest.
import { createHash } from 'node:crypto'
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'

export interface Registry {
  /** 127.0.0.1:<port> */
  host: string
  /** The manifest digest the image is served under. */
  digest: string
  stop(): Promise<void>
}

const sha256 = (data: Buffer): string => `sha256:${createHash('sha256').update(data).digest('hex')}`

/** Serves `image` (a local image) as <host>/<repository>:<tag>. */
export async function serveImage(image: string, repository: string, tag: string, scratch: string): Promise<Registry> {
  const dir = join(scratch, 'registry-src')
  execFileSync('mkdir', ['-p', dir])
  execFileSync('sh', ['-c', `docker save '${image}' | tar -x -C '${dir}'`])
  const [entry] = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { Config: string; Layers: string[] }[]
  const blobs = new Map<string, Buffer>()
  const config = readFileSync(join(dir, entry.Config))
  blobs.set(sha256(config), config)
  const layers = entry.Layers.map(path => {
    const gz = gzipSync(readFileSync(join(dir, path)), { level: 1 })
    blobs.set(sha256(gz), gz)
    return { mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', size: gz.length, digest: sha256(gz) }
  })
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
      config: { mediaType: 'application/vnd.docker.container.image.v1+json', size: config.length, digest: sha256(config) },
      layers
    })
  )
  const digest = sha256(manifest)

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://registry')
    res.setHeader('Docker-Distribution-API-Version', 'registry/2.0')
    const send = (status: number, body?: Buffer, headers: Record<string, string> = {}): void => {
      res.writeHead(status, { ...headers, ...(body ? { 'Content-Length': String(body.length) } : {}) })
      res.end(req.method === 'HEAD' ? undefined : body)
    }
    if (url.pathname === '/v2/' || url.pathname === '/v2') return send(200, Buffer.from('{}'), { 'Content-Type': 'application/json' })
    const m = /^\/v2\/(.+)\/(manifests|blobs)\/([^/]+)$/.exec(url.pathname)
    if (!m || m[1] !== repository) return send(404, Buffer.from('{"errors":[{"code":"NAME_UNKNOWN"}]}'))
    if (m[2] === 'manifests') {
      if (m[3] !== tag && m[3] !== digest) return send(404, Buffer.from('{"errors":[{"code":"MANIFEST_UNKNOWN"}]}'))
      return send(200, manifest, { 'Content-Type': 'application/vnd.docker.distribution.manifest.v2+json', 'Docker-Content-Digest': digest })
    }
    const blob = blobs.get(m[3])
    if (!blob) return send(404, Buffer.from('{"errors":[{"code":"BLOB_UNKNOWN"}]}'))
    return send(200, blob, { 'Content-Type': 'application/octet-stream', 'Docker-Content-Digest': m[3] })
  })
  await new Promise<void>(ok => server.listen(0, '127.0.0.1', ok))
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  return {
    host: `127.0.0.1:${port}`,
    digest,
    stop: () => new Promise<void>(ok => server.close(() => ok()))
  }
}
