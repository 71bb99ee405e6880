// The kind network and teardown against a real Docker Engine, with small busybox containers standing
// in for nodes (no Kubernetes needed for these behaviours).
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { planContainers } from '../../src/cluster/container-plan.js'
import { deleteCluster } from '../../src/cluster/delete.js'
import { ensureNetwork, ulaSubnetFromName } from '../../src/cluster/network.js'
import { exportKubeconfig, kindKubeconfig } from '../../src/cluster/kubeconfig.js'
import { DockerodePort } from '../../src/docker/dockerode-port.js'
import { cluster, node } from '../helpers/cluster.js'
import { BUSYBOX_IMAGE, ensureBusyboxImage, uniqueName } from '../helpers/docker.js'

const docker = new DockerodePort()
const inspect = (name: string): any => JSON.parse(execFileSync('docker', ['inspect', name]).toString())[0] // eslint-disable-line @typescript-eslint/no-explicit-any

describe('ensureNetwork', () => {
  const name = uniqueName('net')
  afterAll(() => {
    execFileSync('sh', ['-c', `docker network rm ${name} >/dev/null 2>&1 || true`])
  })

  it('creates a bridge with masquerade, the bridge MTU and the ULA subnet derived from the name; reuses it after', async () => {
    const created = await ensureNetwork(docker, name)
    const raw = inspect(name)
    expect(raw.Driver).toBe('bridge')
    expect(raw.EnableIPv6).toBe(true)
    expect(raw.Labels ?? {}).toEqual({})
    expect(raw.Options['com.docker.network.bridge.enable_ip_masquerade']).toBe('true')
    expect(raw.IPAM.Config.map((c: { Subnet: string }) => c.Subnet)).toContain(ulaSubnetFromName(name, 0))
    expect(created.subnets).toContain(ulaSubnetFromName(name, 0))
    const again = await ensureNetwork(docker, name)
    expect(again.id).toBe(created.id)
  })
})

describe('containers from the planner, and deleteCluster', () => {
  const clusterName = uniqueName('del')
  const network = uniqueName('delnet')
  const owner = { 'io.github.kind-action.owner': clusterName }
  let kubeconfig: string

  beforeAll(async () => {
    await ensureBusyboxImage()
    await ensureNetwork(docker, network)
    const c = cluster([node('control-plane', { image: BUSYBOX_IMAGE }), node('worker', { image: BUSYBOX_IMAGE })], { name: clusterName })
    const plan = planContainers({
      cluster: c,
      network,
      host: { usernsRemap: false, rootless: false, needsDevMapper: false },
      proxyEnv: {},
      pickedPorts: { [`${clusterName}-control-plane`]: [0] },
      loadBalancerImage: BUSYBOX_IMAGE
    })
    for (const p of plan) {
      // busybox has no systemd: keep the container alive with sleep instead of the node entrypoint.
      await docker.createContainer({ ...p.spec, Labels: { ...p.spec.Labels, ...owner }, Cmd: ['sleep', '600'] })
      await docker.startContainer(p.name)
    }
    kubeconfig = join(mkdtempSync(join(tmpdir(), 'kc-')), 'config')
    const admin = `apiVersion: v1
clusters: [{name: k, cluster: {server: 'https://x:6443'}}]
users: [{name: u, user: {token: t}}]
contexts: [{name: c, context: {cluster: k, user: u}}]
current-context: c
`
    await exportKubeconfig(kubeconfig, kindKubeconfig(admin, clusterName, 'https://127.0.0.1:1'))
  })

  afterAll(() => {
    execFileSync('sh', ['-c', `docker rm -f -v $(docker ps -aq --filter label=io.x-k8s.kind.cluster=${clusterName}) >/dev/null 2>&1; docker network rm ${network} >/dev/null 2>&1 || true`])
  })

  it('the Engine received kind’s options', () => {
    const cp = inspect(`${clusterName}-control-plane`)
    expect(cp.Config.Labels).toEqual({ 'io.x-k8s.kind.cluster': clusterName, 'io.x-k8s.kind.role': 'control-plane', ...owner })
    expect(cp.Config.Hostname).toBe(`${clusterName}-control-plane`)
    expect(cp.HostConfig.Privileged).toBe(true)
    expect(cp.HostConfig.RestartPolicy).toEqual({ Name: 'on-failure', MaximumRetryCount: 1 })
    expect(cp.HostConfig.CgroupnsMode).toBe('private')
    expect(cp.HostConfig.Init).toBe(false)
    expect(cp.HostConfig.Tmpfs).toEqual({ '/tmp': '', '/run': '' })
    expect(cp.HostConfig.Binds).toEqual(['/lib/modules:/lib/modules:ro'])
    // The Engine adds label=disable to privileged containers, for kind's containers as for ours.
    expect(cp.HostConfig.SecurityOpt).toEqual(['seccomp=unconfined', 'apparmor=unconfined', 'label=disable'])
    expect(Object.keys(cp.NetworkSettings.Networks)).toEqual([network])
    expect(cp.Mounts.some((m: { Type: string; Destination: string }) => m.Type === 'volume' && m.Destination === '/var')).toBe(true)
    expect(cp.Config.Env).toContain('KUBECONFIG=/etc/kubernetes/admin.conf')
  })

  it('removes only this owner’s containers, their anonymous volumes and the kubeconfig entries; then is idempotent', async () => {
    const bystander = uniqueName('bystander')
    await docker.createContainer({
      name: bystander,
      Image: BUSYBOX_IMAGE,
      Cmd: ['sleep', '600'],
      Labels: { 'io.x-k8s.kind.cluster': clusterName, 'io.github.kind-action.owner': 'someone-else' },
      HostConfig: {}
    })
    const volumes = inspect(`${clusterName}-control-plane`)
      .Mounts.filter((m: { Type: string }) => m.Type === 'volume')
      .map((m: { Name: string }) => m.Name)
    const result = await deleteCluster(docker, clusterName, { kubeconfigPaths: [kubeconfig], extraLabels: owner })
    expect(result).toEqual({
      removedContainers: [`${clusterName}-control-plane`, `${clusterName}-worker`],
      kubeconfigsChanged: [kubeconfig],
      errors: []
    })
    for (const v of volumes) expect(() => execFileSync('docker', ['volume', 'inspect', v], { stdio: 'ignore' })).toThrow()
    expect(readFileSync(kubeconfig, 'utf8')).not.toContain(`kind-${clusterName}`)
    expect(await docker.inspectContainer(bystander)).toBeDefined()
    await docker.removeContainer(bystander)
    expect(await deleteCluster(docker, clusterName, { kubeconfigPaths: [kubeconfig], extraLabels: owner })).toEqual({
      removedContainers: [],
      kubeconfigsChanged: [],
      errors: []
    })
    writeFileSync(kubeconfig, readFileSync(kubeconfig))
  })
})
