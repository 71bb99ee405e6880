// registry: true through the built action, as helm/kind-action users write it: a later step pushes
// to the local registry with the docker CLI, a pod runs the image from it, and the post step removes
// the registry with the cluster. The registry image is the one build-registry.sh makes (registry:2).
import { execFileSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import YAML from 'yaml'
import { BUSYBOX_IMAGE, ensureBusyboxImage } from '../helpers/docker.js'
import { ensureRegistryImage, REGISTRY_IMAGE } from '../helpers/registry.js'
import { NODE_IMAGE, clusterThroughAction, containersOf, docker, jobEnv, kubectl, newRunner, retry, runMain, runPost, type PostResult } from './harness.js'

const CLUSTER = 'registry-e2e'
const REGISTRY = 'registry-e2e-reg'
// Not helm's 5000, so that a registry someone runs on this machine cannot answer for ours.
const PORT = '45731'
const PUSHED = `localhost:${PORT}/registry-e2e/busybox:1`

async function containerExists(name: string): Promise<boolean> {
  return docker(['inspect', '--type', 'container', name]).then(
    () => true,
    () => false
  )
}

function pod(name: string, image: string): string {
  return YAML.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name },
    spec: {
      restartPolicy: 'Never',
      containers: [{ name: 'main', image, imagePullPolicy: 'Always', command: ['sh', '-c', 'echo ran-from-the-local-registry && exec sleep 3600'] }]
    }
  })
}

let post: PostResult | undefined

// Not yet run with the speed-ups off: the strict tier (KIND_ACTION_SPEEDUPS=off) skips this file for now.
const strict = process.env.KIND_ACTION_SPEEDUPS === 'off'

describe.skipIf(strict)('registry: true through the built action', () => {
  const inputs = {
    cluster_name: CLUSTER,
    node_image: NODE_IMAGE,
    workers: '1',
    registry: 'true',
    registry_name: REGISTRY,
    registry_port: PORT,
    registry_enable_delete: 'true',
    wait: '5m'
  }
  const { runner, main } = clusterThroughAction(inputs, {
    before: async () => {
      await ensureBusyboxImage()
      ensureRegistryImage()
    },
    after: async result => {
      post = result
      execFileSync('docker', ['image', 'rm', '-f', PUSHED], { stdio: 'ignore' })
    }
  })

  it('tells later steps where the registry is: LOCAL_REGISTRY and the outputs', () => {
    expect(jobEnv(runner).LOCAL_REGISTRY).toBe(`localhost:${PORT}`)
    expect(main.outputs.local_registry).toBe(`localhost:${PORT}`)
    expect(JSON.parse(main.outputs.registry)).toEqual({
      name: REGISTRY,
      image: REGISTRY_IMAGE,
      host: `localhost:${PORT}`,
      hostFromClusterNetwork: `${REGISTRY}:5000`
    })
  })

  it('runs the registry on the cluster network, published on 127.0.0.1 only, with delete enabled', async () => {
    const [info] = JSON.parse(await docker(['inspect', REGISTRY]))
    expect(Object.keys(info.NetworkSettings.Networks)).toEqual(['kind'])
    expect(info.NetworkSettings.Ports['5000/tcp']).toEqual([{ HostIp: '127.0.0.1', HostPort: PORT }])
    expect(info.Config.Env).toContain('REGISTRY_STORAGE_DELETE_ENABLED=true')
    // Not a node to kind: no kind cluster label.
    expect(await containersOf(CLUSTER)).toEqual([`${CLUSTER}-control-plane`, `${CLUSTER}-worker`])
  })

  it('points containerd at it on every node: config_path and a hosts.toml per registry name', async () => {
    for (const node of [`${CLUSTER}-control-plane`, `${CLUSTER}-worker`]) {
      const config = await docker(['exec', node, 'cat', '/etc/containerd/config.toml'])
      expect(config).toMatch(/config_path = "\/etc\/containerd\/certs.d"/)
      for (const alias of [`localhost:${PORT}`, `${REGISTRY}:${PORT}`]) {
        const hosts = await docker(['exec', node, 'cat', `/etc/containerd/certs.d/${alias}/hosts.toml`])
        expect(hosts).toContain(`[host."http://${REGISTRY}:5000"]`)
      }
    }
  })

  it('documents it in the KEP-1755 ConfigMap', async () => {
    const data = await kubectl(runner, ['get', 'configmap', 'local-registry-hosting', '-n', 'kube-public', '-o', 'jsonpath={.data.localRegistryHosting\\.v1}'])
    expect(YAML.parse(data)).toEqual({
      host: `localhost:${PORT}`,
      hostFromContainerRuntime: `localhost:${PORT}`,
      hostFromClusterNetwork: `${REGISTRY}:5000`,
      help: 'https://kind.sigs.k8s.io/docs/user/local-registry/'
    })
  })

  it('takes a docker push to $LOCAL_REGISTRY, and pods run the image from it by either name', async () => {
    const local = jobEnv(runner).LOCAL_REGISTRY
    await docker(['tag', BUSYBOX_IMAGE, `${local}/registry-e2e/busybox:1`])
    await docker(['push', `${local}/registry-e2e/busybox:1`])
    // Nothing but the registry can give the nodes this image: it was never loaded into them.
    await kubectl(runner, ['apply', '-f', '-'], pod('from-localhost', `${local}/registry-e2e/busybox:1`))
    await kubectl(runner, ['apply', '-f', '-'], pod('from-registry-name', `${REGISTRY}:${PORT}/registry-e2e/busybox:1`))
    for (const name of ['from-localhost', 'from-registry-name']) {
      await kubectl(runner, ['wait', '--for=condition=Ready', `pod/${name}`, '--timeout=180s'])
      expect(await kubectl(runner, ['logs', name])).toBe('ran-from-the-local-registry\n')
    }
    await retry('the kubelet reporting the pull from the registry', async () => {
      const events = await kubectl(runner, ['get', 'events', '--field-selector', 'involvedObject.name=from-localhost', '-o', 'jsonpath={.items[*].message}'])
      if (!events.includes(`Successfully pulled image "${local}/registry-e2e/busybox:1"`)) throw new Error(`no pull event yet: ${events}`)
    }, 60_000)
  })

  it('fails another step whose registry_name is taken, naming the input, before creating anything', async () => {
    const other = newRunner()
    const clash = await runMain(other, { ...inputs, cluster_name: `${CLUSTER}-clash` })
    expect(clash.exitCode).toBe(1)
    expect(clash.log).toContain(`registry_name: a container named "${REGISTRY}" already exists on the Docker host`)
    expect(await containersOf(`${CLUSTER}-clash`)).toEqual([])
    const clashPost = await runPost(other, clash.step)
    expect(clashPost.exitCode).toBe(0)
    // Its post step leaves the first step's registry alone.
    expect(await containerExists(REGISTRY)).toBe(true)
  })
})

// The post step runs in the block above's afterAll, which vitest runs before this block starts.
describe.skipIf(strict)('registry: true, post step', () => {
  it('removed the registry container with the cluster', async () => {
    expect(post?.exitCode).toBe(0)
    expect(post?.log).toContain(`Removed the local registry "${REGISTRY}".`)
    expect(await containerExists(REGISTRY)).toBe(false)
    expect(await containersOf(CLUSTER)).toEqual([])
  })
})
