// Docker refuses to start a node whose host port is taken with "listen tcp4 127.0.0.1:8080: bind:
// address already in use", which names neither the node's config field nor a way out. This finds the
// field that asked for the port so the error names it.
import type { Cluster } from '../config/types.js'

const BIND_IN_USE = /listen (?:tcp|udp|sctp)[46]? \[?([0-9a-fA-F.:]*?)\]?:(\d+): bind: address already in use/

/** The config field of the taken host port named in a Docker error, with its address and port. */
export function takenPortField(cluster: Cluster, message: string): { field: string; address: string; port: number } | undefined {
  const match = BIND_IN_USE.exec(message)
  if (!match) return undefined
  const [, address, portText] = match
  const port = Number(portText)
  for (const [i, node] of cluster.nodes.entries()) {
    const j = node.extraPortMappings.findIndex(m => m.hostPort === port)
    if (j >= 0) return { field: `nodes[${i}].extraPortMappings[${j}].hostPort`, address, port }
  }
  if (cluster.networking.apiServerPort === port) return { field: 'networking.apiServerPort', address, port }
  return undefined
}

/** The error to report for a node that could not start, reworded when its cause is a taken host port. */
export function explainStartFailure(cluster: Cluster, error: unknown): unknown {
  const message = error instanceof Error ? error.message : String(error)
  const taken = takenPortField(cluster, message)
  if (!taken) return error
  return new Error(
    `${taken.field}: host port ${taken.address}:${taken.port} is already in use on the Docker host; ` +
      'stop what listens there, choose another hostPort, or use 0 for a free port chosen at creation'
  )
}
