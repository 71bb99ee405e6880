// `kind load docker-image` (kind-spec §8.1): one `docker save` of all the images, streamed into every
// node's containerd at once, into the snapshotter the node's containerd is configured with.
import { PassThrough, type Readable } from 'node:stream'
import { parse as parseToml } from 'smol-toml'
import type { DockerPort } from '../docker/port.js'
import { run } from './node-exec.js'

/** The CRI snapshotter from `containerd config dump`, at the key path of its config version. */
export function snapshotterFromConfig(toml: string): string {
  const config = parseToml(toml) as Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any
  const version = Number(config.version ?? 1)
  const plugins = config.plugins ?? {}
  if (version === 2) return plugins['io.containerd.grpc.v1.cri']?.containerd?.snapshotter ?? 'overlayfs'
  if (version === 3 || version === 4) return plugins['io.containerd.cri.v1.images']?.snapshotter ?? 'overlayfs'
  throw new Error(`unsupported containerd config version ${version}`)
}

/** The snapshotter a node's containerd unpacks images into (CRI's, from its running configuration). */
export async function nodeSnapshotter(docker: DockerPort, node: string): Promise<string> {
  return snapshotterFromConfig(await run(docker, node, ['containerd', 'config', 'dump']))
}

export async function loadImagesIntoNodes(docker: DockerPort, images: string[], nodes: string[]): Promise<void> {
  const missing: string[] = []
  for (const image of images) if (!(await docker.inspectImage(image))) missing.push(image)
  if (missing.length) {
    throw new Error(`load_images: not present on the Docker host: ${missing.join(', ')} (build or pull them in an earlier step)`)
  }
  await importArchiveIntoNodes(docker, () => docker.saveImages(images), nodes)
}

/**
 * Streams one image archive (a `docker save` tar) into every node's containerd at once, with kind's
 * `ctr images import`; the archive is opened only once every node's snapshotter is known.
 */
export async function importArchiveIntoNodes(docker: DockerPort, open: () => Promise<Readable>, nodes: string[]): Promise<void> {
  const snapshotters = await Promise.all(nodes.map(n => nodeSnapshotter(docker, n)))
  const archive = await open()
  const copies = nodes.map(() => new PassThrough({ highWaterMark: 4 * 1024 * 1024 }))
  archive.on('data', (chunk: Buffer) => {
    for (const copy of copies) if (!copy.write(chunk)) archive.pause()
  })
  for (const copy of copies) copy.on('drain', () => archive.resume())
  archive.on('end', () => copies.forEach(c => c.end()))
  archive.on('error', error => copies.forEach(c => c.destroy(error)))
  await Promise.all(
    nodes.map((node, i) =>
      run(
        docker,
        node,
        ['ctr', '--namespace=k8s.io', 'images', 'import', '--all-platforms', '--digests', `--snapshotter=${snapshotters[i]}`, '-'],
        { stdin: copies[i] }
      )
    )
  )
}
