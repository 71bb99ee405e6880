import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'smol-toml'
import { describe, expect, it } from 'vitest'
import YAML from 'yaml'
import { applyDefaults, clusterFromShorthand } from '../../../src/config/index.js'
import { patchContainerdConfig } from '../../../src/kubeadm/containerd-patch.js'
import { CERTS_DIR, planRegistry, REGISTRY_LABEL, withRegistryConfigPath } from '../../../src/registry/plan.js'
import { readFixture } from '../kubeadm/golden.js'

const settings = { image: 'registry:2', name: 'kind-registry', port: 5000, enableDelete: false }
const labels = { 'io.github.kind-action.owner': '42.1.test' }

describe('planRegistry', () => {
  it('runs the registry on the cluster network, published on the runner loopback only, as kind\'s guide does', () => {
    const { container, host, hostFromClusterNetwork } = planRegistry({ ...settings, port: 5001 }, 'ci', 'kind', labels)
    expect(container).toEqual({
      name: 'kind-registry',
      Image: 'registry:2',
      Labels: { ...labels, [REGISTRY_LABEL]: 'ci' },
      Env: ['REGISTRY_STORAGE_DELETE_ENABLED=false'],
      ExposedPorts: { '5000/tcp': {} },
      HostConfig: {
        PortBindings: { '5000/tcp': [{ HostIp: '127.0.0.1', HostPort: '5001' }] },
        NetworkMode: 'kind',
        RestartPolicy: { Name: 'always' }
      },
      NetworkingConfig: { EndpointsConfig: { kind: {} } }
    })
    expect([host, hostFromClusterNetwork]).toEqual(['localhost:5001', 'kind-registry:5000'])
  })

  it('passes registry_enable_delete to the registry and follows the cluster network', () => {
    const { container } = planRegistry({ ...settings, enableDelete: true, name: 'reg' }, 'ci', 'my-net', labels)
    expect(container.Env).toEqual(['REGISTRY_STORAGE_DELETE_ENABLED=true'])
    expect([container.HostConfig.NetworkMode, container.NetworkingConfig]).toEqual(['my-net', { EndpointsConfig: { 'my-net': {} } }])
  })

  it('writes a hosts.toml for localhost:<port> and <name>:<port>, both to the container over HTTP', () => {
    const { nodeFiles } = planRegistry({ ...settings, port: 5001, name: 'reg' }, 'ci', 'kind', labels)
    expect(nodeFiles.map(f => f.path)).toEqual([`${CERTS_DIR}/localhost:5001/hosts.toml`, `${CERTS_DIR}/reg:5001/hosts.toml`])
    for (const file of nodeFiles) {
      expect(parse(file.content)).toEqual({ host: { 'http://reg:5000': { capabilities: ['pull', 'resolve'] } } })
    }
    // One file when both names are the same host.
    expect(planRegistry({ ...settings, name: 'localhost' }, 'ci', 'kind', labels).nodeFiles).toHaveLength(1)
  })

  it('documents the registry with the KEP-1755 ConfigMap', () => {
    const doc = YAML.parse(planRegistry({ ...settings, port: 5001 }, 'ci', 'kind', labels).configMap)
    expect(doc).toMatchObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'local-registry-hosting', namespace: 'kube-public' } })
    expect(YAML.parse(doc.data['localRegistryHosting.v1'])).toEqual({
      host: 'localhost:5001',
      hostFromContainerRuntime: 'localhost:5001',
      hostFromClusterNetwork: 'kind-registry:5000',
      help: 'https://kind.sigs.k8s.io/docs/user/local-registry/'
    })
  })
})

describe('withRegistryConfigPath', () => {
  const cluster = applyDefaults(clusterFromShorthand({ controlPlanes: 1, workers: 1 }), { defaultImage: 'kindest/node:v1.37.2', cwd: '/' })
  const patched = withRegistryConfigPath({ ...cluster, containerdConfigPatches: ['[plugins."x"]\na = 1\n'] })

  it('puts config_path ahead of the config\'s own patches, which still decide', () => {
    expect(patched.containerdConfigPatches).toHaveLength(3)
    expect(patched.containerdConfigPatches[2]).toBe('[plugins."x"]\na = 1\n')
  })

  it.each([
    ['the node image built here (containerd 1.6, config version 2)', readFileSync(join(import.meta.dirname, '../../../hack/images/node/rootfs/etc/containerd/config.toml'), 'utf8'), ['io.containerd.grpc.v1.cri']],
    ['a containerd 1.x config (version 2)', readFixture('containerd-config-v2.toml'), ['io.containerd.grpc.v1.cri']],
    ['a containerd 2.x config (version 3)', readFixture('containerd-config-v3.toml'), ['io.containerd.cri.v1.images']]
  ])('sets config_path in %s', (_, config, path) => {
    const out = parse(patchContainerdConfig(config, patched.containerdConfigPatches, [])) as { plugins: Record<string, { registry?: unknown }> }
    expect(out.plugins[path[0]].registry).toEqual({ config_path: CERTS_DIR })
    const other = path[0] === 'io.containerd.grpc.v1.cri' ? 'io.containerd.cri.v1.images' : 'io.containerd.grpc.v1.cri'
    expect(out.plugins[other]?.registry).toBeUndefined()
  })
})
