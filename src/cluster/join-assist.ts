// Helping `kubeadm join` along without changing what it does: three of its waits are fixed retry periods
// (cluster-info polling, the etcd turn, the kubelet's TLS bootstrap back-off) rather than the work itself.
// See docs/design/join-assist.md.
import type { DockerPort } from '../docker/port.js'
import { KUBEADM_TOKEN } from '../kubeadm/config-data.js'
import { run } from './node-exec.js'

const SIGNATURE_WAIT_SECONDS = 60

/**
 * Waits until cluster-info carries the bootstrap token's signature (kube-public/cluster-info is readable
 * without credentials, so curl suffices; a kubectl every quarter second would cost the cluster CPU).
 * Gives up quietly after a while, or without curl: kubeadm then waits as it always does.
 */
export async function waitForClusterInfoSignature(docker: DockerPort, bootstrapNode: string): Promise<void> {
  const signature = `jws-kubeconfig-${KUBEADM_TOKEN.split('.')[0]}`
  const script = `
command -v curl >/dev/null || exit 0
end=$(( $(date +%s) + ${SIGNATURE_WAIT_SECONDS} ))
until curl -sk --max-time 2 https://localhost:6443/api/v1/namespaces/kube-public/configmaps/cluster-info | grep -q '"${signature}"'; do
  [ "$(date +%s)" -lt "$end" ] || exit 0
  sleep 0.25
done
`
  await run(docker, bootstrapNode, ['sh', '-c', script])
}

/** The line kubeadm prints when it starts waiting for the new member (every kubeadm since learner mode). */
const ETCD_WAIT = /^\[etcd\] Waiting for the new etcd member to join the cluster/
/** A phase line: `[kubelet-check] ...`, `[mark-control-plane] ...`. */
const PHASE_LINE = /^\[([a-z-]+)\] /

/**
 * A line-by-line reader of kubeadm join's stdout that answers true once, at the first line of a later
 * phase after the etcd wait: kubeadm prints phases in order, so by then the member has joined, been
 * promoted and every etcd endpoint has answered.
 */
export function etcdMemberJoinedWatcher(): (line: string) => boolean {
  let waiting = false
  let joined = false
  return line => {
    if (joined) return false
    if (ETCD_WAIT.test(line)) {
      waiting = true
      return false
    }
    const phase = PHASE_LINE.exec(line)?.[1]
    if (waiting && phase !== undefined && phase !== 'etcd') {
      joined = true
      return true
    }
    return false
  }
}

/**
 * Once the node's API server is ready, a kubelet still without its client certificate is only sitting out
 * its back-off: a restart makes it ask at once. Ends with kubeadm or once the certificate exists (not
 * kubelet.conf, which the kubelet writes from the start).
 */
const NUDGE_SCRIPT = `
certificate=/var/lib/kubelet/pki/kubelet-client-current.pem
while pgrep -x kubeadm >/dev/null && [ ! -e $certificate ]; do
  if curl -skf --max-time 2 https://localhost:6443/readyz >/dev/null 2>&1; then
    sleep 1
    [ -e $certificate ] || systemctl restart kubelet
    exit 0
  fi
  sleep 1
done
`

export async function nudgeKubeletBootstrap(docker: DockerPort, node: string): Promise<void> {
  await run(docker, node, ['sh', '-c', NUDGE_SCRIPT])
}
