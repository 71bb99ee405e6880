// unpack-images-ahead (docs/design/unpack-images-ahead.md): each node's preloaded images unpacked just
// before its kubelet needs them. Nothing waits for it: it only beats the kubelets to it.
import type { PlannedNode } from '../identity.js'
import { nodeSnapshotter } from '../load-images.js'
import { imagesToUnpack, partitionForInit, unpackImages } from '../unpack-images.js'
import type { Creation } from '../creation/context.js'

export function unpackImagesAhead(c: Creation): void {
  if (!c.speedUp('unpack-images-ahead')) return
  const { milestones: m, bootstrap } = c
  const snapshotters = new Map<string, Promise<string>>()
  const unpack = (node: PlannedNode, names: string[]): void => {
    // (An exec that lists the node's images to unpack none would only take CPU.)
    if (names.length === 0) return
    const start = performance.now()
    if (!snapshotters.has(node.name)) snapshotters.set(node.name, nodeSnapshotter(c.docker, node.name))
    c.alongside(
      snapshotters.get(node.name)!.then(snapshotter => unpackImages(c.docker, node.name, snapshotter, names)).then(
        refs => c.reporter.info(`Unpacked ahead on ${node.name} in ${((performance.now() - start) / 1000).toFixed(1)} s: ${refs.join(', ') || 'nothing'}`),
        (error: unknown) => c.reporter.info(`Unpacking images ahead on ${node.name} did not work; its kubelet unpacks them instead: ${String(error)}`)
      )
    )
  }
  // The bootstrap node in waves (partitionForInit): init's images as soon as containerd runs, the
  // DaemonSets' once the static pods run (at boot too, on more cores), the addons' once the API server answers.
  const waves = partitionForInit(imagesToUnpack(bootstrap.role, true), c.host.cpus)
  m.booted.of(bootstrap.name).whenReached(() => unpack(bootstrap, waves.forInit))
  m.controlPlaneStarted.whenReached(() => unpack(bootstrap, waves.forNode))
  m.apiServerAnswers.whenReached(() => unpack(bootstrap, waves.forAddons))
  // A worker's as soon as it is up, while init runs; another control plane's when its join's turn comes.
  for (const worker of c.workers) m.configured.of(worker.name).whenReached(() => unpack(worker, imagesToUnpack(worker.role, false)))
  for (const node of c.secondaryControlPlanes) m.joinTurn.of(node.name).whenReached(() => unpack(node, imagesToUnpack(node.role, false)))
}
