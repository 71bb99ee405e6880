// The node image's default CNI and storage (kind-spec §5.5, §5.6), applied from the bootstrap node.
import type { Cluster } from '../config/types.js'
import type { DockerPort } from '../docker/port.js'
import { prepareCniManifest } from '../kubeadm/cni.js'
import { controlPlaneEndpoint } from './identity.js'
import { readFile, run } from './node-exec.js'

const KUBECTL = ['kubectl', '--kubeconfig=/etc/kubernetes/admin.conf']

export async function installDefaultCni(docker: DockerPort, node: string, cluster: Cluster): Promise<void> {
  const manifest = await readFile(docker, node, '/kind/manifests/default-cni.yaml')
  const prepared = prepareCniManifest(manifest, cluster.networking.podSubnet, controlPlaneEndpoint(cluster))
  // kind uses create, not apply.
  await run(docker, node, [...KUBECTL, 'create', '-f', '-'], { stdin: prepared })
}

/** kind's fallback when an image has no storage manifest: the in-tree hostpath provisioner as default class. */
const LEGACY_STORAGE = `apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  namespace: kube-system
  name: standard
  annotations:
    storageclass.kubernetes.io/is-default-class: "true"
provisioner: kubernetes.io/host-path
`

export async function installDefaultStorage(docker: DockerPort, node: string): Promise<void> {
  const found = await docker.exec(node, ['cat', '/kind/manifests/default-storage.yaml'])
  const manifest = found.exitCode === 0 ? found.stdout : LEGACY_STORAGE
  await run(docker, node, [...KUBECTL, 'apply', '-f', '-'], { stdin: manifest })
}
