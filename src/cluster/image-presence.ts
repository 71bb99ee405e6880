// Which nodes still need an image, as `kind load docker-image` decides it (kind-spec §8.1): a node
// that has the image's ID under another name gets the name added (ctr images tag) instead of a load;
// a node whose image of that name has another ID, or none, gets the image loaded.
import type { DockerPort } from '../docker/port.js'

/** kind's sanitizeImage: `library/` for a bare name, `docker.io/` for no registry, `:latest` for no tag. */
export function normalizeImageName(image: string): string {
  let name = image.includes('/') ? image : `library/${image}`
  const slash = name.indexOf('/')
  const first = name.slice(0, slash)
  if (!/[.:]/.test(first) && first !== 'localhost') name = `docker.io/${name}`
  const hasTag = name.lastIndexOf(':') > name.lastIndexOf('/')
  if (!hasTag && !name.includes('@')) name += ':latest'
  return name
}

interface CriImage {
  id: string
  repoTags: string[]
}

/** `crictl inspecti <ref>` in the node: undefined when the node has no such image. */
async function inspectNodeImage(docker: DockerPort, node: string, ref: string): Promise<CriImage | undefined> {
  const result = await docker.exec(node, ['crictl', 'inspecti', ref], { privileged: true })
  if (result.exitCode !== 0) return undefined
  try {
    const status = (JSON.parse(result.stdout) as { status?: { id?: string; repoTags?: string[] } }).status
    return status?.id ? { id: status.id, repoTags: status.repoTags ?? [] } : undefined
  } catch {
    return undefined
  }
}

export type NodeImageState = 'present' | 'retagged' | 'load'

/** What one node needs for one image (by its Docker image ID), re-tagging on the way when that suffices. */
export async function nodeImageState(docker: DockerPort, node: string, image: string, imageId: string): Promise<NodeImageState> {
  const byId = await inspectNodeImage(docker, node, imageId)
  const name = normalizeImageName(image)
  if (byId && byId.repoTags.length) {
    if (byId.repoTags.includes(name)) return 'present'
    const tag = await docker.exec(node, ['ctr', '--namespace=k8s.io', 'images', 'tag', '--force', imageId, name], { privileged: true })
    return tag.exitCode === 0 ? 'retagged' : 'load'
  }
  const byName = await inspectNodeImage(docker, node, image)
  return byName?.id === imageId ? 'present' : 'load'
}
