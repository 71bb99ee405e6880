// The local registry, planned as kind's local-registry guide and helm/kind-action's `registry: true`
// make it: a registry container on the cluster's network published on the runner's loopback; every
// node's containerd told (config_path + a hosts.toml per registry host) to pull localhost:<port>/...
// from it over plain HTTP; and the KEP-1755 ConfigMap that tells tools where the registry is.
// Pure: apply.ts carries it out.
import type { Cluster } from '../config/types.js'
import type { ContainerSpec } from '../docker/port.js'

/** Where the local registry's settings come from (the registry_* inputs). */
export interface RegistrySettings {
  image: string
  name: string
  /** The port on 127.0.0.1 of the runner. */
  port: number
  enableDelete: boolean
}

/** The port the registry listens on in its container (the registry image's default). */
export const REGISTRY_CONTAINER_PORT = 5000
/** Ours on the registry container: which cluster it serves (not kind's cluster label: it is no node). */
export const REGISTRY_LABEL = 'io.kind-action.registry'
/** Where containerd looks for hosts.toml files once config_path points there. */
export const CERTS_DIR = '/etc/containerd/certs.d'
export const LOCAL_REGISTRY_HELP = 'https://kind.sigs.k8s.io/docs/user/local-registry/'

/**
 * containerd's CRI registry config_path, as kind's guide patches it, once per containerd config version
 * (containerd 1.x: version 2, the grpc CRI plugin; 2.x: version 3, the images plugin): a patch naming a
 * version applies only to a node config of that version, so one cluster config serves both.
 */
export const CONFIG_PATH_PATCHES = [
  `version = 2\n[plugins."io.containerd.grpc.v1.cri".registry]\n  config_path = "${CERTS_DIR}"\n`,
  `version = 3\n[plugins."io.containerd.cri.v1.images".registry]\n  config_path = "${CERTS_DIR}"\n`
]

export interface RegistryPlan {
  container: ContainerSpec
  /** Its port on 127.0.0.1 of the runner. */
  port: number
  /** localhost:<port>: the name images get on the runner (docker push) and in pods. */
  host: string
  /** <name>:5000: the registry from the cluster's network. */
  hostFromClusterNetwork: string
  /** Files to write in every node. */
  nodeFiles: { path: string; content: string }[]
  /** The kube-public/local-registry-hosting ConfigMap (KEP-1755), as YAML. */
  configMap: string
}

/**
 * The cluster with containerd's config_path set on every node, ahead of the config's own patches so
 * that a config that sets config_path itself still decides. Needed before the nodes boot.
 */
export function withRegistryConfigPath(cluster: Cluster): Cluster {
  return { ...cluster, containerdConfigPatches: [...CONFIG_PATH_PATCHES, ...cluster.containerdConfigPatches] }
}

/** A hosts.toml sending a registry host's pulls to the registry container, over plain HTTP. */
function hostsToml(upstream: string): string {
  return `# Written by kind-action for the local registry (registry: true).\n[host."http://${upstream}"]\n  capabilities = ["pull", "resolve"]\n`
}

export function planRegistry(settings: RegistrySettings, clusterName: string, network: string, labels: Record<string, string>): RegistryPlan {
  const host = `localhost:${settings.port}`
  const hostFromClusterNetwork = `${settings.name}:${REGISTRY_CONTAINER_PORT}`
  const exposed = `${REGISTRY_CONTAINER_PORT}/tcp`
  const container: ContainerSpec = {
    name: settings.name,
    Image: settings.image,
    Labels: { ...labels, [REGISTRY_LABEL]: clusterName },
    Env: [`REGISTRY_STORAGE_DELETE_ENABLED=${settings.enableDelete}`],
    ExposedPorts: { [exposed]: {} },
    HostConfig: {
      // Only the runner itself may reach it: it has no authentication.
      PortBindings: { [exposed]: [{ HostIp: '127.0.0.1', HostPort: String(settings.port) }] },
      NetworkMode: network,
      RestartPolicy: { Name: 'always' }
    },
    NetworkingConfig: { EndpointsConfig: { [network]: {} } }
  }
  // Pods name images as the runner pushed them (localhost:<port>/x, kind's guide), or by the
  // registry's name with the port as helm/kind-action writes its hosts.toml: both lead to the container.
  const aliases = [...new Set([host, `${settings.name}:${settings.port}`])]
  const nodeFiles = aliases.map(alias => ({ path: `${CERTS_DIR}/${alias}/hosts.toml`, content: hostsToml(hostFromClusterNetwork) }))
  const configMap = [
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata:',
    '  name: local-registry-hosting',
    '  namespace: kube-public',
    'data:',
    '  localRegistryHosting.v1: |',
    `    host: "${host}"`,
    `    hostFromContainerRuntime: "${host}"`,
    `    hostFromClusterNetwork: "${hostFromClusterNetwork}"`,
    `    help: "${LOCAL_REGISTRY_HELP}"`,
    ''
  ].join('\n')
  return { container, port: settings.port, host, hostFromClusterNetwork, nodeFiles, configMap }
}
