// What every creation action and speed-up works on: the cluster's plan, the host's facts, the
// milestones reached so far, and the few shared resources (the super-admin client, work left running).
import type { Cluster } from '../../config/types.js'
import type { CredentialLookup } from '../../docker/credentials.js'
import type { DockerPort } from '../../docker/port.js'
import type { HostFacts, PlannedContainer } from '../container-plan.js'
import { hostEndpoint, nodeApiServer } from '../endpoints.js'
import { loadBalancerName, needsLoadBalancer, planNodeNames, sortedControlPlanes, type PlannedNode } from '../identity.js'
import type { ImageResolution, ImageSource } from '../images.js'
import { superAdminApi, type KubeApi } from '../kube-api.js'
import type { Phases, Reporter } from '../phases.js'
import { ALL_SPEED_UPS, type SpeedUpName, type SpeedUps } from '../speed-up-names.js'
import type { ControlPlaneFacts, NodeSummary } from '../types.js'
import { milestone, settleAll, type Milestone } from '../settle.js'
import { PerNode } from './milestones.js'

export interface CreateOptions {
  docker: DockerPort
  cluster: Cluster
  reporter: Reporter
  phases: Phases
  network: string
  loadBalancerImage: string
  /** 0 skips waiting for readiness. */
  waitMs: number
  /** How long each node's systemd may take to boot (node-boot-wait.ts); a minute when not given. */
  nodeBootWaitMs?: number
  /** Labels of our own, added to every container (kind ignores unknown labels). */
  extraLabels: Record<string, string>
  hostEnv: Record<string, string | undefined>
  /** Where images may come from before a pull (the image cache); none: inspect, then pull. */
  imageSource?: ImageSource
  /** The runner's registry credentials for pulls (docker login); none: anonymous pulls. */
  credentials?: CredentialLookup
  /** The speed-ups switched on (speed-up-names.ts); all when not given. */
  speedUps?: SpeedUps
  /** Work that needs only a running control plane (exporting the kubeconfig, installing kubectl). */
  afterControlPlane?: (cluster: ControlPlaneFacts) => Promise<void>
  /** Work that needs only the bootstrap node's container (copying kubectl out of it). */
  onceApiServerAnswers?: (bootstrapNode: string, kubernetesVersion: string) => Promise<void>
}

/** A node booted and configured: its addresses, its Kubernetes version and its kubeadm.conf. */
export interface NodeUp {
  summary: NodeSummary
  version: string
  kubeadmConf: string
}

export interface Milestones {
  /** The node's container runs: its address is known and /kind is writable. */
  started: PerNode
  /** The node's systemd is up, and with it containerd. */
  booted: PerNode
  /** Booted and configured (kubeadm.conf written, containerd patched). */
  configured: PerNode<NodeUp>
  /** The load balancer sends to the control planes (at once when there is none). */
  loadBalancerReady: Milestone
  /** kubeadm init has started the bootstrap node's kubelet. */
  kubeletStarted: Milestone
  /** init's static pods run. */
  controlPlaneStarted: Milestone
  /** init's API server answers. */
  apiServerAnswers: Milestone
  /** init has made admin.conf usable (cluster-admin bound). */
  adminConfUsable: Milestone
  initDone: Milestone
  /** The node's join is about to start. */
  joinTurn: PerNode
}

export interface Creation {
  readonly options: CreateOptions
  readonly docker: DockerPort
  readonly cluster: Cluster
  readonly reporter: Reporter
  readonly phases: Phases
  readonly host: HostFacts
  readonly images: ImageResolution[]
  readonly nodes: PlannedNode[]
  readonly bootstrap: PlannedNode
  readonly secondaryControlPlanes: PlannedNode[]
  readonly workers: PlannedNode[]
  readonly ha: boolean
  readonly milestones: Milestones
  container(name: string): PlannedContainer
  speedUp(name: SpeedUpName): boolean
  /** Work nothing waits for that must still be over when creation is. */
  alongside(work: Promise<void>): void
  /** Waits for what alongside took, then closes the super-admin client. */
  settleAlongside(): Promise<void>
  /** Where the host reaches the API server: the load balancer's published port, or the lone control plane's. */
  apiServerOnHost(): Promise<string>
  /** One system:masters client, for the objects made ahead of kubeadm (accounts, addons). */
  superAdmin(): Promise<KubeApi>
}

export interface Prepared {
  images: ImageResolution[]
  containers: PlannedContainer[]
  host: HostFacts
}

export function newCreation(options: CreateOptions, prepared: Prepared): Creation {
  const { docker, cluster } = options
  const nodes = planNodeNames(cluster)
  const ha = needsLoadBalancer(cluster)
  const [bootstrap, ...secondaryControlPlanes] = sortedControlPlanes(nodes)
  if (!bootstrap) throw new Error('the cluster has no control-plane node')
  const speedUps = options.speedUps ?? ALL_SPEED_UPS
  const background: Promise<void>[] = []
  const milestones: Milestones = {
    started: new PerNode(),
    booted: new PerNode(),
    configured: new PerNode<NodeUp>(),
    loadBalancerReady: milestone(),
    kubeletStarted: milestone(),
    controlPlaneStarted: milestone(),
    apiServerAnswers: milestone(),
    adminConfUsable: milestone(),
    initDone: milestone(),
    joinTurn: new PerNode()
  }

  let endpointOnHost: Promise<string> | undefined
  const apiServerOnHost = (): Promise<string> =>
    (endpointOnHost ??= (async () => {
      const endpointContainer = ha ? loadBalancerName(cluster.name) : bootstrap.name
      const info = await docker.inspectContainer(endpointContainer)
      if (!info) throw new Error(`container ${endpointContainer} disappeared`)
      return hostEndpoint(info.ports)
    })())
  // In HA the load balancer sends to a new API server only once its health checks have passed, 2-4 s
  // after it is healthy: a host that routes to the cluster's network goes straight to the bootstrap node.
  const apiServerAhead = async (): Promise<string> =>
    ha && prepared.host.routesToContainers
      ? nodeApiServer((await milestones.configured.of(bootstrap.name).reached).summary, cluster.networking.ipFamily)
      : apiServerOnHost()
  let superAdminClient: Promise<KubeApi> | undefined
  const superAdmin = (): Promise<KubeApi> =>
    (superAdminClient ??= apiServerAhead().then(server => superAdminApi(docker, bootstrap.name, server)))

  return {
    options,
    docker,
    cluster,
    reporter: options.reporter,
    phases: options.phases,
    host: prepared.host,
    images: prepared.images,
    nodes,
    bootstrap,
    secondaryControlPlanes,
    workers: nodes.filter(n => n.role === 'worker'),
    ha,
    milestones,
    container: name => {
      const found = prepared.containers.find(c => c.name === name)
      if (!found) throw new Error(`no container planned for ${name}`)
      return found
    },
    speedUp: name => speedUps.has(name),
    alongside: work => void background.push(work),
    settleAlongside: async () => {
      try {
        // Work may add more while it runs (a transcript written once its command ends).
        for (let seen = 0; seen < background.length; ) {
          const batch = background.slice(seen)
          seen = background.length
          await settleAll(batch)
        }
      } finally {
        await superAdminClient?.then(api => api.close(), () => undefined)
      }
    },
    apiServerOnHost,
    superAdmin
  }
}
