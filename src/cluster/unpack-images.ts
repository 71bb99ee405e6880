// Unpacking a node's preloaded images before its pods need them: kind's images are imported with --no-unpack,
// so containerd would unpack them on the critical path. Only what the node's own pods run, so it ends up as
// it would anyway. See docs/design/unpack-images-ahead.md.
import type { DockerPort } from '../docker/port.js'
import { run } from './node-exec.js'

/** The static pods' images; pause first, as every pod's sandbox comes before its containers. */
const KUBEADM_INIT_IMAGES = ['pause', 'etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler']
/** kindnetd before kube-proxy: a node is Ready once its CNI is up, whatever kube-proxy does. */
const EVERY_NODE_IMAGES = ['pause', 'kindnetd', 'kube-proxy']
/**
 * Deployments of kind's addons: CoreDNS and the provisioner tolerate the control-plane taint, and the
 * bootstrap node is Ready before any other node (its CNI goes in during init), so in practice the
 * scheduler has no other node for them. Other nodes do not get them: it would only take their CPU.
 */
const ADDON_IMAGES = ['coredns', 'local-path-provisioner']

/** Image names (the last path element, without tag or digest) in the order this node needs them. */
export function imagesToUnpack(role: 'control-plane' | 'worker', bootstrap: boolean): string[] {
  const names = [
    ...(role === 'control-plane' ? KUBEADM_INIT_IMAGES : []),
    ...EVERY_NODE_IMAGES,
    ...(bootstrap ? ADDON_IMAGES : [])
  ]
  return [...new Set(names)]
}

/** A bootstrap node's images by when they are wanted (see partitionForInit). */
export interface InitImages {
  /** kubeadm init's static pods: wanted as soon as init starts the kubelet. */
  forInit: string[]
  /** kindnetd and kube-proxy: wanted as soon as the controller manager's DaemonSet controller runs. */
  forNode: string[]
  /** The addons' Deployments: wanted only once the node is Ready. */
  forAddons: string[]
}

/** The most cores on which the three waves were measured to beat fewer (2); above, see partitionForInit. */
export const WAVES_MEASURED_UP_TO_CPUS = 2

/**
 * The bootstrap node's images in three waves: init's at boot, the DaemonSets' once the static pods run, the
 * addons' once the API server is healthy, so as not to take CPU from its start (measured on 2 cores; see
 * docs/design/unpack-images-ahead.md). With more cores than that the DaemonSets' go with init's: the
 * waves only spread CPU that such a host has to spare (not measured here: no such machine).
 */
export function partitionForInit(names: string[], cpus = WAVES_MEASURED_UP_TO_CPUS): InitImages {
  const early = cpus > WAVES_MEASURED_UP_TO_CPUS ? [...KUBEADM_INIT_IMAGES, ...EVERY_NODE_IMAGES] : KUBEADM_INIT_IMAGES
  return {
    forInit: names.filter(name => early.includes(name)),
    forNode: names.filter(name => !early.includes(name) && EVERY_NODE_IMAGES.includes(name)),
    forAddons: names.filter(name => !early.includes(name) && !EVERY_NODE_IMAGES.includes(name))
  }
}

/**
 * `ctr images mount` unpacks an image into the snapshotter and `unmount --rm` drops the view, leaving the
 * layers as a container would. Every matching reference is unpacked (a node may hold two pause tags); a
 * failure only means the kubelet unpacks it later, as it would have anyway.
 */
const UNPACK_SCRIPT = `
snapshotter=$1; shift
target=$(mktemp -d)
refs=$(ctr --namespace=k8s.io images ls -q)
for want in "$@"; do
  for ref in $refs; do
    case $ref in sha256:*) continue ;; esac
    name=\${ref##*/}; name=\${name%%[:@]*}
    [ "$name" = "$want" ] || continue
    ctr --namespace=k8s.io images mount --snapshotter "$snapshotter" "$ref" "$target" >/dev/null &&
      ctr --namespace=k8s.io images unmount --rm "$target" >/dev/null &&
      echo "$ref"
  done
done
rmdir "$target"
`

/** Unpacks what the node holds of the named images into its snapshotter; returns the references unpacked. */
export async function unpackImages(docker: DockerPort, node: string, snapshotter: string, names: string[]): Promise<string[]> {
  const out = await run(docker, node, ['sh', '-c', UNPACK_SCRIPT, 'unpack-images', snapshotter, ...names])
  return out.split('\n').filter(Boolean)
}
