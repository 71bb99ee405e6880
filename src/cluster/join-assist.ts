// Helping `kubeadm join` along without changing what it does, only when things happen. Three waits in a
// join are fixed retry periods rather than the work itself:
// - discovery polls the cluster-info ConfigMap every 5 s until the controller manager has signed it for
//   the bootstrap token; joins therefore start once it is signed (watched for from the bootstrap node);
// - etcd wants one membership change at a time, but the rest of a control-plane join (the kubelet's TLS
//   bootstrap, registering and marking the node, the component checks) does not touch etcd's
//   membership: the next control plane may start joining as soon as this one's member has joined;
// - that TLS bootstrap: the kubelet asks its own node's API server for a certificate, which cannot answer
//   before etcd and the API server are up there, and after each refusal it backs off for 2, 4, 8, 16 s...
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
 * Once the node's own API server is ready, a kubelet still without its client certificate is only
 * sitting out its back-off: restarting it makes it ask at once (its static pods keep running). The loop
 * runs in the node and ends with kubeadm, or when the kubelet has its certificate (kubelet.conf exists
 * from the start: the kubelet writes it pointing at the certificate it is still to get).
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
