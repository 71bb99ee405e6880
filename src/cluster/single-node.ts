// kind's single-container cluster: workloads may run on the control plane (kind-spec §5.4).
import type { DockerPort } from '../docker/port.js'
import { semver, Version } from '../kubeadm/version.js'
import { run } from './node-exec.js'

/**
 * The taints kind removes, by the node's Kubernetes version (a strict semver parse of /kind/version, as
 * kind's): kubeadm tainted control planes "master" before 1.24, both around 1.24, "control-plane" since.
 */
export function singleNodeTaintRemovals(kubernetesVersion: string): string[] {
  const version = Version.parseSemantic(kubernetesVersion)
  if (version.lessThan(semver('v1.24.0-alpha.1.592+370031cadac624'))) return ['node-role.kubernetes.io/master-']
  if (version.lessThan(semver('v1.25.0-alpha.0.557+84c8afeba39ec9'))) {
    return ['node-role.kubernetes.io/control-plane-', 'node-role.kubernetes.io/master-']
  }
  return ['node-role.kubernetes.io/control-plane-']
}

/** kind's two commands, at once: the taints off, and the label that keeps load balancers away. */
export async function untaintSingleNode(docker: DockerPort, node: string, kubernetesVersion: string): Promise<void> {
  const kubectl = ['kubectl', '--kubeconfig=/etc/kubernetes/admin.conf']
  await Promise.all([
    run(docker, node, [...kubectl, 'taint', 'nodes', '--all', ...singleNodeTaintRemovals(kubernetesVersion)]),
    run(docker, node, [...kubectl, 'label', 'nodes', '--all', 'node.kubernetes.io/exclude-from-external-load-balancers-'])
  ])
}
