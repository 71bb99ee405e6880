// `kind load docker-image` and `kind load image-archive`: images from the host's Docker, or archives,
// into the containerd of every node (the load balancer is no node) or of the --nodes given.
import { createReadStream, statSync } from 'node:fs'
import { nodeImageState } from '../../cluster/image-presence.js'
import { importArchiveIntoNodes } from '../../cluster/load-images.js'
import { CLUSTER_LABEL, LOAD_BALANCER_ROLE, ROLE_LABEL } from '../../cluster/identity.js'
import { clusterName, flag, type CliContext } from '../context.js'

/** kind's ListInternalNodes: the cluster's containers but the load balancer, in Docker's order (newest first). */
async function internalNodes(c: CliContext, name: string): Promise<string[]> {
  const containers = await c.docker.listContainers({ [CLUSTER_LABEL]: name })
  return containers.filter(container => container.labels[ROLE_LABEL] !== LOAD_BALANCER_ROLE).map(container => container.name)
}

/** The internal nodes, or the --nodes subset of them (in the order given). */
async function targetNodes(c: CliContext, name: string, quoteUnknown: boolean): Promise<string[]> {
  // Docker's order, not sorted: kind's per-node status lines come in that order.
  const nodes = await internalNodes(c, name)
  if (!nodes.length) throw new Error(`no nodes found for cluster ${JSON.stringify(name)}`)
  const wanted = flag<string[]>(c, 'nodes')
  if (!wanted.length) return nodes
  for (const node of wanted) {
    if (!nodes.includes(node)) throw new Error(`unknown node: ${quoteUnknown ? JSON.stringify(node) : node}`)
  }
  return wanted
}

export async function loadDockerImage(c: CliContext): Promise<void> {
  const images = [...new Set(c.parsed.args)]
  const ids: string[] = []
  for (const image of images) {
    const info = await c.docker.inspectImage(image)
    if (!info) throw new Error(`image: ${JSON.stringify(image)} not present locally`)
    ids.push(info.id)
  }
  const name = clusterName(c)
  const candidates = await targetNodes(c, name, true)
  const selected = new Set<string>()
  for (const [i, image] of images.entries()) {
    let retagged = false
    for (const node of candidates) {
      const state = await nodeImageState(c.docker, node, image, ids[i])
      if (state === 'retagged') {
        c.log.info(`Image with ID: ${ids[i]} already present on the node ${node} but is missing the tag. re-tagged`)
        retagged = true
      } else if (state === 'load') {
        selected.add(node)
        c.log.info(`Image: ${JSON.stringify(image)} with ID ${JSON.stringify(ids[i])} not yet present on node ${JSON.stringify(node)}, loading...`)
      }
    }
    if (!selected.size && !retagged) c.log.info(`Image: ${JSON.stringify(image)} with ID ${JSON.stringify(ids[i])} found to be already present on all nodes.`)
  }
  if (!selected.size) return
  // As kind: one archive of every image given, into each node that lacks any of them.
  await importArchiveIntoNodes(c.docker, () => c.docker.saveImages(images), [...selected])
}

export async function loadImageArchive(c: CliContext): Promise<void> {
  for (const path of c.parsed.args) {
    try {
      statSync(path)
    } catch (error) {
      throw new Error(`stat ${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (error as Error).message}`)
    }
  }
  if (c.parsed.args.length > 1) {
    c.log.warn('It is suggested that you save multiple images into a common archive and load that instead of loading multiple archives for better performance')
  }
  const name = clusterName(c)
  for (const path of c.parsed.args) {
    const nodes = await targetNodes(c, name, false)
    c.log.info(`Loading Docker Image from archive ${path} to nodes ${nodes.join(', ')}`, 2)
    await importArchiveIntoNodes(c.docker, async () => createReadStream(path), nodes)
  }
}
