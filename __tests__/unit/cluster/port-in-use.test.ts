import { describe, expect, it } from 'vitest'
import { applyDefaults, parseClusterConfig } from '../../../src/config/index.js'
import { explainStartFailure, takenPortField } from '../../../src/cluster/port-in-use.js'
import { KIND_HEADER } from '../../helpers/kind-configs.js'

const cluster = applyDefaults(
  parseClusterConfig(
    `${KIND_HEADER}networking:\n  apiServerPort: 6443\nnodes:\n- role: control-plane\n- role: worker\n  extraPortMappings:\n  - {containerPort: 80, hostPort: 8080}\n  - {containerPort: 443, hostPort: 8443, listenAddress: "::1"}\n`,
    'test'
  ),
  { defaultImage: 'kindest/node:v1.37.2', cwd: '/' }
)
const engine = (where: string): Error =>
  new Error(`(HTTP code 500) server error - driver failed programming external connectivity on endpoint x (abc): Error starting userland proxy: listen ${where}: bind: address already in use`)

describe('a taken host port is reported by its config field', () => {
  it('finds the extraPortMappings entry, IPv4 and IPv6', () => {
    expect(takenPortField(cluster, engine('tcp4 0.0.0.0:8080').message)).toEqual({ field: 'nodes[1].extraPortMappings[0].hostPort', address: '0.0.0.0', port: 8080 })
    expect(takenPortField(cluster, engine('tcp6 [::1]:8443').message)).toEqual({ field: 'nodes[1].extraPortMappings[1].hostPort', address: '::1', port: 8443 })
  })

  it('finds the API server port', () => {
    expect(takenPortField(cluster, engine('tcp4 127.0.0.1:6443').message)?.field).toBe('networking.apiServerPort')
  })

  it('leaves other errors, and ports of no field, as they are', () => {
    const other = new Error('no space left on device')
    expect(explainStartFailure(cluster, other)).toBe(other)
    const unknownPort = engine('tcp4 127.0.0.1:9999')
    expect(explainStartFailure(cluster, unknownPort)).toBe(unknownPort)
    expect((explainStartFailure(cluster, engine('tcp4 0.0.0.0:8080')) as Error).message).toMatch(/^nodes\[1\]\.extraPortMappings\[0\]\.hostPort: host port 0\.0\.0\.0:8080 is already in use on the Docker host; .* use 0/)
  })
})
