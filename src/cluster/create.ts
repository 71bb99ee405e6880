// Cluster creation: kind's actions (kind-spec §5), with independent work done concurrently (see
// createCluster for the pipeline).
import { finished } from 'node:stream/promises'
import type { Cluster } from '../config/types.js'
import type { DockerPort } from '../docker/port.js'
import { planContainers, portsToPick, type PlannedContainer } from './container-plan.js'
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
import { kindKubeconfig, type KubeconfigDoc } from './kubeconfig.js'
import { ensureNetwork, proxyEnvironment } from './network.js'
import { NodeCommandError, readFile, run, writeFile } from './node-exec.js'
import { Phases, type Reporter } from './phases.js'
import { waitForReadiness } from './readiness.js'
import { configureLoadBalancer, patchContainerd, writeKubeadmConfig } from './node-config.js'
import { installDefaultCni, installDefaultStorage } from './addons.js'
import { etcdMemberJoinedWatcher, nudgeKubeletBootstrap, waitForClusterInfoSignature } from './join-assist.js'
import { imagesToUnpack, partitionForInit, unpackImages } from './unpack-images.js'

/** kind's readiness line: systemd reached multi-user, or the entrypoint saw cgroup v1. */
const SYSTEMD_READY = /Reached target .*Multi-User System.*|detected cgroup v1/
const NODE_BOOT_TIMEOUT_MS = 60_000

/** Files a secondary control plane needs from the bootstrap one before kubeadm join (kind-spec §5.4). */
const SHARED_CONTROL_PLANE_FILES = [
  '/etc/kubernetes/admin.conf',
  '/etc/kubernetes/pki/ca.crt',
  '/etc/kubernetes/pki/ca.key',
  '/etc/kubernetes/pki/front-proxy-ca.crt',
  '/etc/kubernetes/pki/front-proxy-ca.key',
  '/etc/kubernetes/pki/sa.pub',
  '/etc/kubernetes/pki/sa.key',
  '/etc/kubernetes/pki/etcd/ca.crt',
  '/etc/kubernetes/pki/etcd/ca.key'
]

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
}

export interface ControlPlaneFacts {
  bootstrapNode: string
  kubernetesVersion: string
  kubeconfig: KubeconfigDoc
  apiServer: string
}

export interface NodeSummary {
  name: string
  role: string
  ipv4: string
  ipv6: string
}

export interface CreatedCluster {
  name: string
  nodes: NodeSummary[]
  /** https://<host>:<port> as kubectl on the host reaches it. */
  apiServer: string
  kubernetesVersion: string
  kubeconfig: KubeconfigDoc
  bootstrapNode: string
  images: ImageResolution[]
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

/**
 * The shared files as one tar archive (kind copies them one by one with cat and cp: three execs a file,
 * which add up to seconds on a busy 2-core runner). Modes and owners travel with them.
 */
async function readSharedFiles(docker: DockerPort, from: string): Promise<Buffer> {
  const command = ['tar', '-C', '/', '-cf', '-', ...SHARED_CONTROL_PLANE_FILES.map(path => path.slice(1))]
  const { stdout, done } = await docker.execStream(from, command, { privileged: true })
  const [chunks, result] = await Promise.all([stdout.toArray() as Promise<Buffer[]>, done])
  if (result.exitCode !== 0) throw new NodeCommandError(from, command, result)
  return Buffer.concat(chunks)
}

async function writeSharedFiles(docker: DockerPort, to: string, archive: Buffer): Promise<void> {
  await run(docker, to, ['tar', '-C', '/', '-xf', '-'], { stdin: archive })
}

/**
 * Runs a kubeadm command and keeps its whole output in the node's /var/log/kind-action/, where the log
 * export picks it up: kubeadm's own words are what explains a failed init or join.
 */
async function kubeadm(
  docker: DockerPort,
  node: string,
  args: string[],
  logName: string,
  onLine: (line: string) => void = () => undefined
): Promise<void> {
  const command = ['kubeadm', ...args]
  const { stdout, done } = await docker.execStream(node, command, { privileged: true })
  const chunks: Buffer[] = []
  let partial = ''
  stdout.on('data', (chunk: Buffer) => {
    chunks.push(chunk)
    const lines = (partial + chunk.toString()).split('\n')
    partial = lines.pop() ?? ''
    lines.forEach(onLine)
  })
  const [, exit] = await Promise.all([finished(stdout), done])
  const result = { ...exit, stdout: Buffer.concat(chunks).toString() }
  const transcript = `$ ${command.join(' ')}\n${result.stdout}${result.stderr}\nexit code ${result.exitCode}\n`
  await writeFile(docker, node, `/var/log/kind-action/${logName}.log`, transcript).catch(() => undefined)
  if (result.exitCode !== 0) throw new NodeCommandError(node, command, result)
}

/** kind's single-container cluster: workloads may run on the control plane (kind-spec §5.4). */
async function untaintSingleNode(docker: DockerPort, node: string): Promise<void> {
  const kubectl = ['kubectl', '--kubeconfig=/etc/kubernetes/admin.conf']
  await Promise.all([
    run(docker, node, [...kubectl, 'taint', 'nodes', '--all', 'node-role.kubernetes.io/control-plane-']),
    run(docker, node, [...kubectl, 'label', 'nodes', '--all', 'node.kubernetes.io/exclude-from-external-load-balancers-'])
  ])
}

/**
 * kubeadm's certificate and kubeconfig phases of init or join, run ahead of the command itself, which
 * then finds and uses what they made. A failure leaves the work to the command, which reports it.
 */
async function prepareKubeadmPhases(docker: DockerPort, node: string, command: 'init' | 'join', reporter: Reporter): Promise<void> {
  const phases = command === 'init' ? [['certs', 'all'], ['kubeconfig', 'all']] : [['control-plane-prepare', 'certs'], ['control-plane-prepare', 'kubeconfig']]
  try {
    for (const phase of phases) {
      await kubeadm(docker, node, [command, 'phase', ...phase, '--config=/kind/kubeadm.conf'], `kubeadm-${command}-${phase.join('-')}`)
    }
  } catch (error) {
    reporter.info(`Making ${node}'s certificates ahead of kubeadm ${command} did not work; kubeadm ${command} makes them: ${String(error)}`)
  }
}

async function join(docker: DockerPort, node: string, onLine?: (line: string) => void): Promise<void> {
  await kubeadm(docker, node, ['join', '--config', '/kind/kubeadm.conf', '--v=6'], 'kubeadm-join', onLine)
}

interface Prepared {
  images: ImageResolution[]
  containers: PlannedContainer[]
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
  const proxyEnv = proxyEnvironment(options.hostEnv, cluster.networking, network.subnets, names)
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
  return { images, containers }
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
 * Waits for every promise and then fails with the first error, so that nothing started here is still
 * running (creating a container, say) when the caller reports the failure and the post step cleans up.
 */
async function settleAll<T>(promises: Promise<T>[]): Promise<T[]> {
  const results = await Promise.allSettled(promises)
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')
  if (failed) throw failed.reason
  return results.map(r => (r as PromiseFulfilledResult<T>).value)
}

/**
 * Creation as a pipeline rather than kind's strict sequence of steps: the bootstrap control plane is
 * created first and kubeadm init starts on it at once, while the other containers are still being
 * created (each copies the node image's /var into its volume, which is slow); each node gets its
 * configuration as soon as it is up, and unpacks its images ahead of its kubelet; CNI and storage go in while
 * the other nodes join; workers join at once, and each further control plane as soon as the previous
 * one's etcd member has joined.
 */
export async function createCluster(options: CreateOptions): Promise<CreatedCluster> {
  const { docker, cluster, phases } = options
  const nodes = planNodeNames(cluster)
  const ha = needsLoadBalancer(cluster)
  const [bootstrap, ...secondaryControlPlanes] = sortedControlPlanes(nodes)
  const workers = nodes.filter(n => n.role === 'worker')
  const others = nodes.filter(n => n !== bootstrap)
  const endpoint = controlPlaneEndpoint(cluster)

  const { images, containers } = await prepare(options)
  const container = (name: string): PlannedContainer => containers.find(c => c.name === name)!

  /** Boots a node and writes its configuration; resolves with its addresses and Kubernetes version. */
  let bootstrapBooted!: (booted: Promise<void>) => void
  const bootstrapBoot = new Promise<Promise<void>>(resolve => (bootstrapBooted = resolve)).then(booted => booted)
  const bringUp = async (node: PlannedNode): Promise<{ summary: NodeSummary; version: string }> => {
    const planned = container(node.name)
    await docker.createContainer(planned.spec)
    await docker.startContainer(planned.name)
    // Its address is known and /kind is writable once it runs: kubeadm.conf is written while systemd boots,
    // and on the bootstrap node kubeadm makes the certificates and kubeconfigs of init meanwhile (init then
    // uses them as they are; they need neither systemd nor containerd).
    const booted = waitForBoot(docker, planned)
    if (node === bootstrap) bootstrapBooted(booted)
    const configured = (async () => {
      const summary = await nodeSummary(docker, node, options.network)
      const { kubernetesVersion, kubeadmConf } = await writeKubeadmConfig(docker, cluster, node, summary, endpoint)
      if (node === bootstrap && !/^\s*skipPhases:(\n\s*- .*)*\n\s*- (certs|kubeconfig)\b/m.test(kubeadmConf)) {
        await prepareKubeadmPhases(docker, node.name, 'init', options.reporter)
      }
      return { summary, version: kubernetesVersion }
    })()
    const [, configuredNode] = await settleAll<unknown>([booted, configured])
    const { summary, version } = configuredNode as Awaited<typeof configured>
    await patchContainerd(docker, cluster, node.name)
    return { summary, version }
  }

  let afterControlPlane: Promise<ControlPlaneFacts> | undefined
  const unpacks: Promise<void>[] = []
  const { version: kubernetesVersion, summaries } = await phases.group('Creating nodes, starting the control plane', async () => {
    const bootstrapUp = phases.timed(`Booting ${bootstrap.name}`, () => bringUp(bootstrap))
    const loadBalancerUp = ha
      ? phases.timed('Starting the load balancer', async () => {
          await startContainer(docker, container(loadBalancerName(cluster.name)))
          await configureLoadBalancer(docker, cluster, nodes)
        })
      : Promise.resolve()
    // The others start once the bootstrap node is created, so that its creation is not slowed down.
    const othersUp = new Map(
      others.map(node => [node.name, bootstrapUp.then(() => phases.timed(`Booting ${node.name}`, () => bringUp(node)))])
    )
    const initDone = (async () => {
      await Promise.all([bootstrapUp, loadBalancerUp])
      await phases.timed('Starting control-plane (kubeadm init)', () =>
        kubeadm(docker, bootstrap.name, ['init', '--config=/kind/kubeadm.conf', '--skip-token-print', '--v=6'], 'kubeadm-init')
      )
    })()
    // Unpacking images ahead (unpack-images.ts), each node when its kubelet is about to need them: on the
    // bootstrap node what init runs as soon as it has booted, the rest after init; on the others as they
    // start joining (or get ready to). Nothing waits for it: it only beats the kubelets to it.
    const unpackAhead = (node: PlannedNode, names: string[]): void => {
      unpacks.push(
        unpackImages(docker, node.name, names).catch((error: unknown) =>
          options.reporter.info(`Unpacking images ahead on ${node.name} did not work; its kubelet unpacks them instead: ${String(error)}`)
        )
      )
    }
    const bootstrapImages = partitionForInit(imagesToUnpack(bootstrap.role, nodes.length === 1))
    // (bootstrapUp too: if the container cannot even be created, there is no boot to wait for.)
    Promise.race([bootstrapBoot, bootstrapUp]).then(
      () => unpackAhead(bootstrap, bootstrapImages.forInit),
      () => undefined
    )
    initDone.then(
      () => unpackAhead(bootstrap, bootstrapImages.afterInit),
      () => undefined
    )
    const addons = initDone.then(() =>
      Promise.all([
        nodes.length === 1 ? untaintSingleNode(docker, bootstrap.name) : Promise.resolve(),
        cluster.networking.disableDefaultCNI
          ? Promise.resolve()
          : phases.timed('Installing CNI', () => installDefaultCni(docker, bootstrap.name, cluster)),
        phases.timed('Installing StorageClass', () => installDefaultStorage(docker, bootstrap.name))
      ])
    )
    const joins = (async () => {
      await initDone
      if (others.length) await waitForClusterInfoSignature(docker, bootstrap.name)
      const sharedFiles = secondaryControlPlanes.length ? readSharedFiles(docker, bootstrap.name) : Promise.resolve(Buffer.alloc(0))
      // etcd takes one membership change at a time: each control plane waits for the previous one's
      // member to have joined (see join-assist.ts), with its files copied in the meantime.
      let previousMemberJoined: Promise<void> = Promise.resolve()
      let previousPrepared: Promise<void> = Promise.resolve()
      const controlPlaneJoins = secondaryControlPlanes.map((cp, index) => {
        // Those still waiting for their turn make their certificates and kubeconfigs meanwhile, with
        // kubeadm's own join phases (their join then finds and uses them), and unpack their images; but
        // only once the previous one has made its own, not to take CPU from the join ahead of them.
        const ahead = previousPrepared
        const filesCopied = Promise.all([othersUp.get(cp.name), sharedFiles])
          .then(([, archive]) => writeSharedFiles(docker, cp.name, archive))
          .then(async () => {
            if (index === 0) return
            await ahead
            unpackAhead(cp, imagesToUnpack(cp.role, false))
            await prepareKubeadmPhases(docker, cp.name, 'join', options.reporter)
          })
        let prepared!: () => void
        previousPrepared = new Promise<void>(resolve => (prepared = resolve))
        const turn = previousMemberJoined
        let memberJoined!: () => void
        let joinFailed!: (error: unknown) => void
        previousMemberJoined = new Promise<void>((resolve, reject) => {
          memberJoined = resolve
          joinFailed = reject
        })
        previousMemberJoined.catch(() => undefined)
        return (async () => {
          try {
            await Promise.all([turn, filesCopied])
            if (index === 0) unpackAhead(cp, imagesToUnpack(cp.role, false))
            const watcher = etcdMemberJoinedWatcher()
            let nudged: Promise<void> = Promise.resolve()
            const onLine = (line: string): void => {
              if (/^\[(check-etcd|kubelet-start|etcd)\] /.test(line)) prepared()
              if (!watcher(line)) return
              memberJoined()
              nudged = nudgeKubeletBootstrap(docker, cp.name).catch((error: unknown) =>
                options.reporter.info(`Could not hurry the kubelet's TLS bootstrap on ${cp.name}: ${String(error)}`)
              )
            }
            await phases.timed(`Joining ${cp.name}`, () => join(docker, cp.name, onLine))
            memberJoined()
            await nudged
          } catch (error) {
            joinFailed(error)
            throw error
          } finally {
            prepared()
          }
        })()
      })
      // Workers do not change etcd's membership: they join at once.
      const workerJoins = workers.map(async w => {
        await othersUp.get(w.name)
        unpackAhead(w, imagesToUnpack(w.role, false))
        await phases.timed(`Joining ${w.name}`, () => join(docker, w.name))
      })
      await settleAll([...controlPlaneJoins, ...workerJoins])
    })()
    const controlPlane = Promise.all([initDone, loadBalancerUp]).then(() =>
      phases.timed('Reading kubeconfig', async () => {
        const endpointContainer = ha ? loadBalancerName(cluster.name) : bootstrap.name
        const info = await docker.inspectContainer(endpointContainer)
        if (!info) throw new Error(`container ${endpointContainer} disappeared`)
        const admin = await readFile(docker, bootstrap.name, '/etc/kubernetes/admin.conf')
        const apiServer = hostEndpoint(info.ports)
        return { kubeconfig: kindKubeconfig(admin, cluster.name, apiServer), apiServer }
      })
    )
    afterControlPlane = controlPlane.then(async ({ kubeconfig, apiServer }) => {
      const facts = { bootstrapNode: bootstrap.name, kubernetesVersion: (await bootstrapUp).version, kubeconfig, apiServer }
      if (options.afterControlPlane) await phases.timed('Exporting kubeconfig and kubectl', () => options.afterControlPlane!(facts))
      return facts
    })
    // Awaited after the readiness wait; until then a failure must not count as unhandled.
    afterControlPlane.catch(() => undefined)
    await settleAll<unknown>([bootstrapUp, loadBalancerUp, initDone, addons, joins, controlPlane, ...othersUp.values()])
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
  await Promise.all(unpacks)
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
