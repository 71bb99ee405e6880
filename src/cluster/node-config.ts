// Writing each node's configuration (kind-spec §5.2 actions 1–2): the load balancer's HAProxy config,
// /kind/kubeadm.conf per node, and containerd config patches. Rendering is pure (src/kubeadm); this
// file only moves the results into the containers.
import type { Cluster } from '../config/types.js'
import type { DockerPort } from '../docker/port.js'
import { HAPROXY_CONFIG_PATH, renderHaproxyConfig } from '../kubeadm/loadbalancer.js'
import { kubeadmConfigForNode } from '../kubeadm/render.js'
import { patchContainerdConfig } from '../kubeadm/containerd-patch.js'
import type { NodeSummary } from './types.js'
import { loadBalancerName, sortedControlPlanes, type PlannedNode } from './identity.js'
import { KUBEADM_CONF, skipsCertificatePhases, writeConfigAndPrepareInit } from './kubeadm-commands.js'
import { readFile, run, writeFile } from './node-exec.js'
import type { Reporter } from './phases.js'

export async function configureLoadBalancer(docker: DockerPort, cluster: Cluster, nodes: PlannedNode[]): Promise<void> {
  const lb = loadBalancerName(cluster.name)
  const config = renderHaproxyConfig({
    controlPlanes: sortedControlPlanes(nodes).map(n => n.name),
    ipFamily: cluster.networking.ipFamily
  })
  await writeFile(docker, lb, HAPROXY_CONFIG_PATH, config)
  // HAProxy (the image's PID 1) reloads its configuration on SIGHUP.
  await run(docker, lb, ['kill', '-s', 'HUP', '1'])
}

/** The node image's Kubernetes version, from its /kind/version (kind-spec §5.2). */
export async function nodeKubernetesVersion(docker: DockerPort, node: string): Promise<string> {
  const lines = (await readFile(docker, node, '/kind/version')).split('\n').filter(Boolean)
  if (lines.length !== 1) throw new Error(`node ${node}: /kind/version should be one line, found ${lines.length}`)
  return lines[0].trim()
}

/**
 * Renders and writes /kind/kubeadm.conf on one node (its version from nodeKubernetesVersion); returns it.
 * Given a reporter (the bootstrap node), init's certificates and kubeconfigs are made in the same command,
 * unless the config skips those phases (docs/design/init-certs-while-booting.md).
 */
export async function writeKubeadmConfig(
  docker: DockerPort,
  cluster: Cluster,
  node: PlannedNode,
  self: NodeSummary,
  endpoint: string,
  kubernetesVersion: string,
  prepareInit?: Reporter
): Promise<string> {
  const kubeadmConf = kubeadmConfigForNode(cluster, node.config, node.name, self, kubernetesVersion, endpoint)
  if (prepareInit && !skipsCertificatePhases(kubeadmConf)) await writeConfigAndPrepareInit(docker, node.name, kubeadmConf, prepareInit)
  else await writeFile(docker, node.name, KUBEADM_CONF, kubeadmConf)
  return kubeadmConf
}

/** Applies the cluster's containerd config patches on a booted node and restarts containerd. */
export async function patchContainerd(docker: DockerPort, cluster: Cluster, node: string): Promise<void> {
  if (!cluster.containerdConfigPatches.length && !cluster.containerdConfigPatchesJSON6902.length) return
  const current = await readFile(docker, node, '/etc/containerd/config.toml')
  const patched = patchContainerdConfig(current, cluster.containerdConfigPatches, cluster.containerdConfigPatchesJSON6902)
  await writeFile(docker, node, '/etc/containerd/config.toml', patched)
  await run(docker, node, ['bash', '-c', '! pgrep --exact containerd || systemctl restart containerd'])
}
