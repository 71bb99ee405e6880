// Cluster creation: kind's actions (kind-spec §5), with independent work done concurrently (see
// createCluster for the pipeline).
import type { Cluster } from '../config/types.js'
import type { DockerPort } from '../docker/port.js'
import { planContainers, portsToPick, type HostFacts, type PlannedContainer } from './container-plan.js'
import { hostFacts, pickFreePorts } from './host.js'
import { raiseInotifyLimits } from './host-tuning.js'
import {
  CLUSTER_LABEL,
  LOAD_BALANCER_ROLE,
  controlPlaneEndpoint,
  loadBalancerName,
  needsLoadBalancer,
  planNodeNames,
  sortedControlPlanes,
  type PlannedNode
} from './identity.js'
import { ensureImage, type ImageResolution, type ImageSource } from './images.js'
import { kindKubeconfig } from './kubeconfig.js'
import type { ControlPlaneFacts, CreatedCluster, NodeSummary } from './types.js'
import { dockerConfigProxies } from './docker-config-proxy.js'
import { ensureNetwork, proxyEnvironment } from './network.js'
import { readFile } from './node-exec.js'
import { Phases, type Reporter } from './phases.js'
import { waitForReadiness } from './readiness.js'
import { configureLoadBalancer, nodeKubernetesVersion, patchContainerd, writeKubeadmConfig } from './node-config.js'
import { installDefaultCni, installDefaultStorage, type AddonTarget } from './addons.js'
import { superAdminApi, type KubeApi } from './kube-api.js'
import { joinNodes } from './joins.js'
import { adminConfUsableWatcher, apiServerHealthyWatcher, controlPlaneStartedWatcher } from './kubeadm-commands.js'
import { initWithKubeletFinalize } from './kubelet-finalize.js'
import { settleAll, signal } from './settle.js'
import { untaintSingleNode } from './single-node.js'
import { makeControllerAccountsAhead } from './controller-accounts.js'
import { imagesToUnpack, partitionForInit, unpackImages } from './unpack-images.js'
import { nodeSnapshotter } from './load-images.js'
import { kubeletStartedWatcher, restartKubeletAfterPodCgroupRace } from './kubelet-assist.js'

/** kind's readiness line: systemd reached multi-user, or the entrypoint saw cgroup v1. */
const SYSTEMD_READY = /Reached target .*Multi-User System.*|detected cgroup v1/
const NODE_BOOT_TIMEOUT_MS = 60_000

export interface CreateOptions {
  docker: DockerPort
  cluster: Cluster
  reporter: Reporter
  phases: Phases
  network: string
  loadBalancerImage: string
  /** 0 skips waiting for readiness. */
  waitMs: number
  /** Labels of our own, added to every container (kind ignores unknown labels). */
  extraLabels: Record<string, string>
  hostEnv: Record<string, string | undefined>
  /** Where images may come from before a pull (the image cache); none: inspect, then pull. */
  imageSource?: ImageSource
  /**
   * Work that needs only a running control plane (exporting the kubeconfig, installing kubectl): runs
   * as soon as kubeadm init is done, alongside the joins and the wait for readiness.
   */
  afterControlPlane?: (cluster: ControlPlaneFacts) => Promise<void>
  /**
   * Work that needs only the bootstrap node's container (copying kubectl out of it): runs once kubeadm
   * init says its API server answers. Until then the control plane starting up wants every core; from
   * then on init only writes a few objects and the controller manager waits out its first
   * leader-election retry.
   */
  onceApiServerAnswers?: (bootstrapNode: string, kubernetesVersion: string) => Promise<void>
}

export async function assertClusterAbsent(docker: DockerPort, name: string): Promise<void> {
  const existing = await docker.listContainers({ [CLUSTER_LABEL]: name })
  if (existing.length) {
    throw new Error(
      `node(s) already exist for a cluster with the name "${name}": ${existing.map(c => c.name).join(', ')}; ` +
        'pick another cluster_name or delete that cluster first'
    )
  }
}

/**
 * The bootstrap node's own API server, as a host that routes to the cluster's network reaches it: its
 * serving certificate names the node's address (kubeadm's advertise address), so TLS holds.
 */
export function nodeApiServer(node: NodeSummary, ipFamily: string): string {
  if (ipFamily === 'ipv6') return `https://[${node.ipv6}]:6443`
  return `https://${node.ipv4}:6443`
}

export function hostEndpoint(ports: Record<string, { HostIp: string; HostPort: string }[]>): string {
  const binding = ports['6443/tcp']?.[0]
  if (!binding) throw new Error('the API server port 6443/tcp is not published')
  const host = binding.HostIp.includes(':') ? `[${binding.HostIp}]` : binding.HostIp
  return `https://${host}:${binding.HostPort}`
}

async function startContainer(docker: DockerPort, container: PlannedContainer): Promise<void> {
  await docker.createContainer(container.spec)
  await docker.startContainer(container.name)
  if (container.role !== LOAD_BALANCER_ROLE) await waitForBoot(docker, container)
}

async function waitForBoot(docker: DockerPort, container: PlannedContainer): Promise<void> {
  if (!(await docker.waitForLog(container.name, SYSTEMD_READY, NODE_BOOT_TIMEOUT_MS))) {
    const log = (await docker.logs(container.name)).trim().split('\n').slice(-20).join('\n')
    throw new Error(
      `node ${container.name} did not boot within ${NODE_BOOT_TIMEOUT_MS / 1000} s ` +
        `(no log line matching ${SYSTEMD_READY}); its last output:\n${log}`
    )
  }
}

interface Prepared {
  images: ImageResolution[]
  containers: PlannedContainer[]
  host: HostFacts
}

/** Images, network and host facts at once, then every container planned (ports picked, nothing created). */
async function prepare(options: CreateOptions): Promise<Prepared> {
  const { docker, cluster, phases } = options
  const nodes = planNodeNames(cluster)
  const ha = needsLoadBalancer(cluster)
  const [images, network, facts] = await phases.group('Preparing images, network and host', async () => {
    const refs = [...new Set(cluster.nodes.map(n => n.image))].sort()
    if (ha) refs.push(options.loadBalancerImage)
    const [resolved, net, host, tuning] = await Promise.all([
      Promise.all(refs.map(ref => ensureImage(docker, ref, undefined, options.imageSource))),
      ensureNetwork(docker, options.network),
      docker.info().then(info => hostFacts(info, options.hostEnv)),
      raiseInotifyLimits()
    ])
    if (tuning.raised.length) options.reporter.info(`Raised host limits: ${tuning.raised.join(', ')}`)
    for (const low of tuning.tooLow) {
      options.reporter.warning(`${low} and could not be raised; nodes may fail with "too many open files"`)
    }
    return [resolved, net, host] as const
  })
  const names = [...nodes.map(n => n.name), ...(ha ? [loadBalancerName(cluster.name)] : [])]
  const proxyEnv = proxyEnvironment(options.hostEnv, cluster.networking, network.subnets, names, dockerConfigProxies(options.hostEnv))
  const pickedPorts = await pickFreePorts(portsToPick(cluster))
  // A restored image may be reachable only by its tag or ID (see ImageResolution.runRef).
  const runRef = (ref: string): string => images.find(i => i.ref === ref)?.runRef ?? ref
  const containers = planContainers({
    cluster: { ...cluster, nodes: cluster.nodes.map(n => ({ ...n, image: runRef(n.image) })) },
    network: options.network,
    host: facts,
    proxyEnv,
    pickedPorts,
    loadBalancerImage: runRef(options.loadBalancerImage)
  })
  for (const c of containers) c.spec.Labels = { ...c.spec.Labels, ...options.extraLabels }
  return { images, containers, host: facts }
}

/**
 * kind's Provision (kind-spec §2.1): images, network and every container, created at once and booted.
 * The kind parity tests stop here to compare containers.
 */
export async function provisionContainers(options: CreateOptions): Promise<{ images: ImageResolution[]; planned: PlannedContainer[] }> {
  const { images, containers } = await prepare(options)
  await options.phases.group('Creating node containers', () => settleAll(containers.map(c => startContainer(options.docker, c))))
  return { images, planned: containers }
}

/**
 * Creation as a pipeline rather than kind's strict sequence of steps: the bootstrap control plane is
 * created first and kubeadm init starts on it at once, while the other containers are still being
 * created (each copies the node image's /var into its volume, which is slow); each node gets its
 * configuration as soon as it is up, and unpacks its images ahead of its kubelet; CNI and storage go in
 * while the other nodes join (joins.ts).
 */
export async function createCluster(options: CreateOptions): Promise<CreatedCluster> {
  const { docker, cluster, phases } = options
  const nodes = planNodeNames(cluster)
  const ha = needsLoadBalancer(cluster)
  const [bootstrap, ...secondaryControlPlanes] = sortedControlPlanes(nodes)
  const workers = nodes.filter(n => n.role === 'worker')
  const others = nodes.filter(n => n !== bootstrap)
  const endpoint = controlPlaneEndpoint(cluster)

  const { images, containers, host } = await prepare(options)
  const container = (name: string): PlannedContainer => containers.find(c => c.name === name)!

  // The bootstrap node's boot, to unpack init's images as soon as its containerd runs.
  const bootstrapBooted = signal()
  let bootstrapAddresses!: (summary: NodeSummary) => void
  const bootstrapSummary = new Promise<NodeSummary>(resolve => (bootstrapAddresses = resolve))
  /** Boots a node and writes its configuration; resolves with its addresses and Kubernetes version. */
  const bringUp = async (node: PlannedNode): Promise<{ summary: NodeSummary; version: string; kubeadmConf: string }> => {
    const planned = container(node.name)
    await docker.createContainer(planned.spec)
    await docker.startContainer(planned.name)
    // Its address is known and /kind is writable once it runs: kubeadm.conf is written while systemd boots,
    // and on the bootstrap node kubeadm makes the certificates and kubeconfigs of init meanwhile (init then
    // uses them as they are; they need neither systemd nor containerd).
    const booted = waitForBoot(docker, planned)
    if (node === bootstrap) booted.then(bootstrapBooted.resolve, bootstrapBooted.reject)
    const configured = (async () => {
      const [summary, version] = await Promise.all([nodeSummary(docker, node, options.network), nodeKubernetesVersion(docker, node.name)])
      if (node === bootstrap) bootstrapAddresses(summary)
      const prepareInit = node === bootstrap ? options.reporter : undefined
      const kubeadmConf = await writeKubeadmConfig(docker, cluster, node, summary, endpoint, version, prepareInit)
      return { summary, version, kubeadmConf }
    })()
    const [, configuredNode] = await settleAll<unknown>([booted, configured])
    await patchContainerd(docker, cluster, node.name)
    return configuredNode as Awaited<typeof configured>
  }

  /** Where the host reaches the API server: the load balancer's published port, or the lone control plane's. */
  let endpointOnHost: Promise<string> | undefined
  const apiServerOnHost = (): Promise<string> =>
    (endpointOnHost ??= (async () => {
      const endpointContainer = ha ? loadBalancerName(cluster.name) : bootstrap.name
      const info = await docker.inspectContainer(endpointContainer)
      if (!info) throw new Error(`container ${endpointContainer} disappeared`)
      return hostEndpoint(info.ports)
    })())

  // In HA the load balancer sends to a new API server only once its health checks have passed twice, 2-4 s
  // after it is healthy: under load that was after init had ended, and the work ahead of kubeadm was lost.
  // So a host that routes to the cluster's network goes straight to the bootstrap node.
  const apiServerAhead = async (): Promise<string> =>
    ha && host.routesToContainers ? nodeApiServer(await bootstrapSummary, cluster.networking.ipFamily) : apiServerOnHost()
  /** One system:masters client from the host, for the objects made ahead of kubeadm (accounts, addons). */
  let superAdminClient: Promise<KubeApi> | undefined
  const superAdmin = (): Promise<KubeApi> =>
    (superAdminClient ??= apiServerAhead().then(server => superAdminApi(docker, bootstrap.name, server)))

  let afterControlPlane: Promise<ControlPlaneFacts> | undefined
  /** Work nothing waits for, which must still be over when creation is (it never rejects). */
  const background: Promise<void>[] = []
  // The race is cgroup v1's (systemd and the kubelet both making pod cgroups): no watch on cgroup v2 hosts.
  const assistKubelet = (node: string): Promise<void> =>
    (host.cgroupV1 !== false ? restartKubeletAfterPodCgroupRace(docker, node) : Promise.resolve(false)).then(
      restarted => {
        if (restarted) {
          options.reporter.info(
            `The kubelet on ${node} could not make a pod's cgroup (a race with systemd on cgroup v1); restarted it rather than wait out its 10-15 s retry`
          )
        }
      },
      (error: unknown) => options.reporter.info(`Could not watch the kubelet on ${node} for a pod cgroup race: ${String(error)}`)
    )
  const { version: kubernetesVersion, summaries } = await phases.group('Creating nodes, starting the control plane', async () => {
    const bootstrapUp = phases.timed(`Booting ${bootstrap.name}`, () => bringUp(bootstrap))
    const loadBalancerUp = ha
      ? phases.timed('Starting the load balancer', async () => {
          await startContainer(docker, container(loadBalancerName(cluster.name)))
          await configureLoadBalancer(docker, cluster, nodes)
        })
      : Promise.resolve()
    // Once init's API server answers, init only writes a few objects and the controller manager waits out
    // its first leader-election retry: the CPU has room for the addons' images and for copying kubectl.
    const apiServerUp = signal()
    const initOver = signal()
    const controlPlaneStarted = signal()
    const adminReady = signal()
    // The others start once the bootstrap node is up, so that its creation is not slowed down.
    const othersUp = new Map(
      others.map(node => [node.name, bootstrapUp.then(() => phases.timed(`Booting ${node.name}`, () => bringUp(node)))])
    )
    // Unpacking images ahead (unpack-images.ts), each node when its kubelet is about to need them: on the
    // bootstrap node in three waves (see partitionForInit); on each worker as soon as it is up; on other
    // control planes as they get ready to join. Nothing waits for it: it only beats the kubelets to it.
    const snapshotters = new Map<string, Promise<string>>()
    const unpackImagesAhead = (node: PlannedNode, names: string[]): void => {
      // (An exec that lists the node's images to unpack none would only take CPU.)
      if (names.length === 0) return
      const start = performance.now()
      if (!snapshotters.has(node.name)) snapshotters.set(node.name, nodeSnapshotter(docker, node.name))
      background.push(
        snapshotters.get(node.name)!.then(snapshotter => unpackImages(docker, node.name, snapshotter, names)).then(
          refs =>
            options.reporter.info(
              `Unpacked ahead on ${node.name} in ${((performance.now() - start) / 1000).toFixed(1)} s: ${refs.join(', ') || 'nothing'}`
            ),
          (error: unknown) =>
            options.reporter.info(`Unpacking images ahead on ${node.name} did not work; its kubelet unpacks them instead: ${String(error)}`)
        )
      )
    }
    const bootstrapImages = partitionForInit(imagesToUnpack(bootstrap.role, true))
    // (bootstrapUp too: if the container cannot even be created, there is no boot to wait for.)
    Promise.race([bootstrapBooted.promise, bootstrapUp]).then(
      () => unpackImagesAhead(bootstrap, bootstrapImages.forInit),
      () => undefined
    )
    // Init does not wait for that: its kubelet starts its static pods a second after init does, and
    // whatever is not unpacked by then it unpacks itself (measured: waiting cost 1.5-2.7 s).
    const initStarts = Promise.all([bootstrapUp, loadBalancerUp])
    /** The controller accounts' work, once kubeadm has started the kubelet (it never rejects). */
    let accountsAhead: Promise<void> = Promise.resolve()
    const initDone = (async () => {
      const [{ kubeadmConf, version }] = await initStarts
      const apiServerHealthy = apiServerHealthyWatcher()
      const staticPodsRunning = controlPlaneStartedWatcher()
      const adminConfUsable = adminConfUsableWatcher()
      const kubeletStarted = kubeletStartedWatcher()
      const onLine = (line: string): void => {
        if (apiServerHealthy(line)) apiServerUp.resolve()
        if (staticPodsRunning(line)) controlPlaneStarted.resolve()
        if (adminConfUsable(line)) adminReady.resolve()
        if (kubeletStarted(line)) {
          background.push(assistKubelet(bootstrap.name))
          accountsAhead = makeControllerAccountsAhead({ api: superAdmin, kubeadmConf, kubernetesVersion: version, stop: initOver.promise }).then(line =>
            options.reporter.info(line)
          )
          background.push(accountsAhead)
        }
      }
      await phases.timed('Starting control-plane (kubeadm init)', () =>
        initWithKubeletFinalize({
          docker,
          phases,
          node: bootstrap.name,
          kubeadmConf,
          kubeProxyMode: cluster.networking.kubeProxyMode,
          onLine,
          transcriptSink: written => background.push(written)
        })
      )
    })()
    initDone.then(apiServerUp.resolve, apiServerUp.reject)
    apiServerUp.promise.then(controlPlaneStarted.resolve, controlPlaneStarted.reject)
    initDone.then(adminReady.resolve, adminReady.reject)
    initDone.then(initOver.resolve, initOver.resolve)
    const apiServerWork = Promise.all([apiServerUp.promise, bootstrapUp]).then(([, up]) =>
      options.onceApiServerAnswers
        ? phases.timed('Installing kubectl', () => options.onceApiServerAnswers!(bootstrap.name, up.version))
        : undefined
    )
    controlPlaneStarted.promise.then(
      () => unpackImagesAhead(bootstrap, bootstrapImages.forNode),
      () => undefined
    )
    apiServerUp.promise.then(
      () => unpackImagesAhead(bootstrap, bootstrapImages.forAddons),
      () => undefined
    )
    // A worker's images are unpacked as soon as it is up, while init runs: they are what its join waits
    // on at the end (the kindnet pod), and the CPU they take from init is given back by an earlier finish
    // (1 control plane + 2 workers, 5 interleaved runs each: 35.9 s median when they waited for the API
    // server, 32.6 s).
    for (const worker of workers) {
      othersUp.get(worker.name)!.then(
        () => unpackImagesAhead(worker, imagesToUnpack(worker.role, false)),
        () => undefined
      )
    }
    // kind installs its addons after init; their objects are made as soon as the API server answers
    // (addons.ts), which puts kindnet's DaemonSet in place before the controller manager starts its
    // controllers. The bootstrap node is then Ready before any other node (in every traced creation with
    // workers), so CoreDNS lands on it, whose kubelet is old enough not to delay its readiness probe
    // (see kubelet-finalize.ts); on a worker just joined it waited a random 0-10 s. A lone control
    // plane's taints come off after init, which puts one of them on.
    const addonTarget: AddonTarget = {
      docker,
      node: bootstrap.name,
      api: superAdmin,
      adminConfUsable: adminReady.promise,
      note: line => options.reporter.info(line)
    }
    const addons = Promise.all([
      nodes.length === 1 ? initDone.then(() => bootstrapUp).then(up => untaintSingleNode(docker, bootstrap.name, up.version)) : Promise.resolve(),
      apiServerUp.promise.then(() =>
        Promise.all([
          cluster.networking.disableDefaultCNI ? Promise.resolve() : phases.timed('Installing CNI', () => installDefaultCni(addonTarget, cluster)),
          phases.timed('Installing StorageClass', () => installDefaultStorage(addonTarget))
        ])
      )
    ])
    // Once init has settled the accounts have started if they ever will; when they and the addons are
    // done, nothing uses the client any more.
    void Promise.allSettled([initDone, addons])
      .then(() => accountsAhead)
      .then(() => superAdminClient?.then(api => api.close(), () => undefined))
    const joins = initDone.then(() =>
      joinNodes({
        docker,
        reporter: options.reporter,
        phases,
        bootstrap,
        controlPlanes: secondaryControlPlanes,
        workers,
        nodeUp: node => othersUp.get(node.name)!.then(up => up.kubeadmConf),
        unpackAhead: node => unpackImagesAhead(node, imagesToUnpack(node.role, false))
      })
    )
    const controlPlane = Promise.all([initDone, loadBalancerUp]).then(() =>
      phases.timed('Reading kubeconfig', async () => {
        const [apiServer, admin] = await Promise.all([apiServerOnHost(), readFile(docker, bootstrap.name, '/etc/kubernetes/admin.conf')])
        return { kubeconfig: kindKubeconfig(admin, cluster.name, apiServer), apiServer }
      })
    )
    afterControlPlane = controlPlane.then(async ({ kubeconfig, apiServer }) => {
      const facts = { bootstrapNode: bootstrap.name, kubernetesVersion: (await bootstrapUp).version, kubeconfig, apiServer }
      if (options.afterControlPlane) await phases.timed('Exporting kubeconfig', () => options.afterControlPlane!(facts))
      return facts
    })
    // Awaited after the readiness wait; until then a failure must not count as unhandled.
    afterControlPlane.catch(() => undefined)
    await settleAll<unknown>([bootstrapUp, loadBalancerUp, initDone, addons, joins, controlPlane, apiServerWork, ...othersUp.values()])
    // Addresses were read as each node came up; no need to inspect the containers again.
    const up = await Promise.all(nodes.map(n => (n === bootstrap ? bootstrapUp : othersUp.get(n.name)!)))
    return { version: up[nodes.indexOf(bootstrap)].version, summaries: up.map(u => u.summary) }
  })

  const ready =
    options.waitMs > 0
      ? phases.group('Waiting for nodes Ready and CoreDNS', () =>
          waitForReadiness(
            docker,
            bootstrap.name,
            nodes.map(n => n.name),
            options.waitMs
          )
        )
      : Promise.resolve()
  const [, facts] = await settleAll<unknown>([ready, afterControlPlane!])
  // Done by now in practice; the step should not end with commands still running in the nodes.
  await Promise.all(background)
  const kubeconfig = { doc: (facts as ControlPlaneFacts).kubeconfig, server: (facts as ControlPlaneFacts).apiServer }

  return {
    name: cluster.name,
    nodes: summaries,
    apiServer: kubeconfig.server,
    kubernetesVersion,
    kubeconfig: kubeconfig.doc,
    bootstrapNode: bootstrap.name,
    images
  }
}

async function nodeSummary(docker: DockerPort, node: PlannedNode, network: string): Promise<NodeSummary> {
  const info = await docker.inspectContainer(node.name)
  const addresses = info?.networks[network]
  if (!addresses) throw new Error(`node ${node.name} is not attached to the ${network} network`)
  return { name: node.name, role: node.role, ipv4: addresses.ipv4, ipv6: addresses.ipv6 }
}
