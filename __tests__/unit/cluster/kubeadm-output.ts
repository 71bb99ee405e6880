// kubeadm's stdout, as the line watchers see it, and a helper to run a watcher over it; and the
// kubeadm.conf our renderer writes, which decides how kubeadm is run.
import { kubeadmConfigForNode } from '../../../src/kubeadm/render.js'
import { makeCluster, type ClusterSpec } from '../kubeadm/scenarios.js'

/** kubeadm v1.34.4's stdout for kind's `kubeadm init` (certificates made ahead), captured from a node of ours. */
export const INIT_V1_34 = [
  '[certs] Using existing ca certificate authority',
  '[kubeconfig] Using existing kubeconfig file: "/etc/kubernetes/admin.conf"',
  '[etcd] Creating static Pod manifest for local etcd in "/etc/kubernetes/manifests"',
  '[control-plane] Creating static Pod manifest for "kube-apiserver"',
  '[kubelet-start] Starting the kubelet',
  '[wait-control-plane] Waiting for the kubelet to boot up the control plane as static Pods from directory "/etc/kubernetes/manifests"',
  '[kubelet-check] Waiting for a healthy kubelet at http://127.0.0.1:10248/healthz. This can take up to 4m0s',
  '[kubelet-check] The kubelet is healthy after 1.01490313s',
  '[control-plane-check] Waiting for healthy control plane components. This can take up to 4m0s',
  '[control-plane-check] Checking kube-apiserver at https://172.24.0.2:6443/livez',
  '[control-plane-check] Checking kube-controller-manager at https://127.0.0.1:10257/healthz',
  '[control-plane-check] kube-controller-manager is healthy after 1.748191005s',
  '[control-plane-check] kube-scheduler is healthy after 3.169033655s',
  '[control-plane-check] kube-apiserver is healthy after 5.50566376s',
  '[upload-config] Storing the configuration used in ConfigMap "kubeadm-config" in the "kube-system" Namespace',
  '[mark-control-plane] Marking the node kind-control-plane as control-plane by adding the taints [node-role.kubernetes.io/control-plane:NoSchedule]',
  '[addons] Applied essential addon: CoreDNS'
]

/** The line of INIT_V1_34 that starts with the given text. */
export function initLine(start: string): string {
  const line = INIT_V1_34.find(l => l.startsWith(start))
  if (!line) throw new Error(`no kubeadm init line starts with ${start}`)
  return line
}

/** The lines a fresh watcher fires at, over one run of kubeadm's stdout. */
export function firings(newWatcher: () => (line: string) => boolean, lines: string[]): string[] {
  const watcher = newWatcher()
  return lines.filter(line => watcher(line))
}

/** kubeadm.conf as our renderer writes it for a node of a scenario cluster (the text the node gets). */
export function renderedKubeadmConf(version: string, spec: ClusterSpec = {}, nodeIndex = 0): string {
  const cluster = makeCluster(spec)
  return kubeadmConfigForNode(cluster, cluster.nodes[nodeIndex]!, 'kind-control-plane', { ipv4: '172.18.0.2', ipv6: '' }, version, 'kind-control-plane:6443')
}
