// Parity with the upstream kind CLI (the reference): for the same cluster configs, the containers our
// code creates (docker inspect) and the files it writes into them (/kind/kubeadm.conf on every node,
// the load balancer's backends) are compared with what `kind create cluster` creates and writes,
// read back from both clusters' containers. Names and addresses are normalised; nothing else is, except
// the load balancer's program: kind v0.32+ runs Envoy, we run HAProxy (README), so for that container the
// image and command are left out and its listen port and backends are compared instead of a file.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { loadClusterConfig } from '../../src/config/index.js'
import { provisionContainers } from '../../src/cluster/create.js'
import { NODE_BOOT_WAIT_VARIABLE, parseNodeBootWait } from '../../src/cluster/node-boot-wait.js'
import { deleteCluster } from '../../src/cluster/delete.js'
import { DEFAULT_NETWORK, controlPlaneEndpoint, needsLoadBalancer, planNodeNames } from '../../src/cluster/identity.js'
import { configureLoadBalancer, nodeKubernetesVersion, patchContainerd, writeKubeadmConfig } from '../../src/cluster/node-config.js'
import { Phases, silentReporter } from '../../src/cluster/phases.js'
import { DockerodePort } from '../../src/docker/dockerode-port.js'
import { HAPROXY_CONFIG_PATH } from '../../src/kubeadm/loadbalancer.js'
import { LOAD_BALANCER_IMAGE } from '../../src/node-images.js'
import { CERT_SAN_JSON6902, HA_2CP_2W_PORTS, IPV6, KIND_HEADER, SINGLE_NODE } from '../helpers/kind-configs.js'
import { KIND_CLI, NODE_IMAGE, containersOf, docker, kind, retry } from './harness.js'

const port = new DockerodePort()
const OWNER = { 'io.github.kind-action.owner': 'parity-test' }

const SCENARIOS: Record<string, string> = {
  single: SINGLE_NODE,
  'ha-workers': HA_2CP_2W_PORTS,
  ipv6: IPV6,
  dual: `${KIND_HEADER}networking:
  ipFamily: dual
  kubeProxyMode: ipvs
featureGates:
  InPlacePodVerticalScaling: true
runtimeConfig:
  api/alpha: "false"
`,
  patches: `${KIND_HEADER}kubeadmConfigPatches:
- |
  kind: ClusterConfiguration
  apiServer:
    extraArgs:
      enable-admission-plugins: NodeRestriction
- |
  kind: KubeletConfiguration
  maxPods: 150
${CERT_SAN_JSON6902}nodes:
- role: control-plane
  kubeadmConfigPatches:
  - |
    kind: InitConfiguration
    nodeRegistration:
      kubeletExtraArgs:
        v: "4"
  extraMounts:
  - hostPath: /tmp
    containerPath: /host-tmp
    readOnly: true
`
}

/**
 * Under software emulation (hack/vm/run.sh sets KIND_ACTION_E2E_PARITY=containers) the upstream kind CLI
 * cannot finish provisioning: it gives a node's systemd a fixed 30 s to boot (kind-spec §2.8), and a
 * node there takes minutes. Its containers exist by then (and --retain keeps them), so the containers'
 * options are compared, for the single-node scenario (each scenario costs minutes there); the files,
 * which kind writes only after the wait, are not.
 */
const CONTAINERS_ONLY = process.env.KIND_ACTION_E2E_PARITY === 'containers'
const SCENARIOS_RUN = CONTAINERS_ONLY ? { single: SCENARIOS.single } : SCENARIOS

interface Capture {
  files: Record<string, string>
  inspect: Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any
}

async function catFile(container: string, path: string): Promise<string> {
  return docker(['exec', container, 'cat', path])
}

async function inspectAll(names: string[]): Promise<Capture['inspect']> {
  const raw = JSON.parse(await docker(['inspect', ...names])) as { Name: string; Image: string; imageLabels?: Record<string, string> }[]
  // Labels the container inherits from its image are the image's, not kind's or ours.
  for (const r of raw) {
    r.imageLabels = JSON.parse(await docker(['image', 'inspect', '-f', '{{json .Config.Labels}}', r.Image])) ?? {}
  }
  return Object.fromEntries(raw.map(r => [r.Name.replace(/^\//, ''), r]))
}

/** The files kind writes before kubeadm init: read them once present on every container. */
async function captureFiles(cluster: string, lb: boolean): Promise<Record<string, string>> {
  const names = await containersOf(cluster)
  const files: Record<string, string> = {}
  for (const name of names) {
    if (name.endsWith('-external-load-balancer')) {
      if (lb) files[`${name}:backends`] = await retry(`the load balancer's config on ${name}`, () => loadBalancerBackends(name), 120_000, 500)
    } else {
      files[`${name}:kubeadm.conf`] = await retry(`kubeadm.conf on ${name}`, () => catFile(name, '/kind/kubeadm.conf'), 120_000, 500)
    }
  }
  return files
}

/** "listen <port>" and one "backend <host:port>" line each, from HAProxy's config (ours) or Envoy's LDS/CDS files (kind's). */
async function loadBalancerBackends(container: string): Promise<string> {
  const haproxy = await catFile(container, HAPROXY_CONFIG_PATH).catch(() => '')
  if (haproxy.includes('# generated by kind')) {
    const port = haproxy.match(/^\s*bind \*:(\d+)/m)?.[1]
    const servers = [...haproxy.matchAll(/^\s*server \S+ (\S+:\d+) /gm)].map(m => m[1])
    return [`listen ${port}`, ...servers.sort().map(b => `backend ${b}`)].join('\n')
  }
  const [lds, cds] = await Promise.all(['/home/envoy/lds.yaml', '/home/envoy/cds.yaml'].map(f => catFile(container, f).catch(() => '')))
  const port = lds.match(/port_value: (\d+)/)?.[1]
  const endpoints = [...cds.matchAll(/address: (\S+)\s+port_value: (\d+)/g)].map(m => `${m[1]}:${m[2]}`)
  if (!port || endpoints.length === 0) throw new Error('not configured yet')
  return [`listen ${port}`, ...endpoints.sort().map(b => `backend ${b}`)].join('\n')
}

async function captureKind(cluster: string, config: string): Promise<Capture> {
  const dir = mkdtempSync(join(tmpdir(), 'parity-'))
  writeFileSync(join(dir, 'config.yaml'), config)
  const child: ChildProcess = spawn(
    KIND_CLI,
    ['create', 'cluster', '--name', cluster, '--image', NODE_IMAGE, '--config', join(dir, 'config.yaml'), '--retain', '--kubeconfig', join(dir, 'kubeconfig')],
    { stdio: 'ignore' }
  )
  try {
    const parsed = loadClusterConfig(config, { defaultImage: NODE_IMAGE, nameOverride: cluster, cwd: process.cwd() })
    const expected = parsed.nodes.length + (needsLoadBalancer(parsed) ? 1 : 0)
    // kind creates the containers concurrently: wait for all of them (and, when only they are compared,
    // until each runs: the Engine lists a container a moment before it can be inspected).
    const inspect = await retry(`kind creating ${cluster}'s containers`, async () => {
      const names = await containersOf(cluster)
      if (names.length < expected) throw new Error(`${names.length} of ${expected} containers so far`)
      if (!CONTAINERS_ONLY) return undefined
      const all = await inspectAll(names)
      if (!Object.values(all).every(raw => raw.State.Running)) throw new Error('not all running yet')
      return all
    }, CONTAINERS_ONLY ? 900_000 : 120_000, 500)
    if (inspect) return { files: {}, inspect }
    const files = await captureFiles(cluster, needsLoadBalancer(parsed))
    return { files, inspect: await inspectAll(await containersOf(cluster)) }
  } finally {
    child.kill('SIGKILL')
    await kind(['delete', 'cluster', '--name', cluster, '--kubeconfig', join(dir, 'kubeconfig')])
  }
}

async function captureOurs(cluster: string, config: string): Promise<Capture> {
  const parsed = loadClusterConfig(config, { defaultImage: NODE_IMAGE, nameOverride: cluster, cwd: process.cwd() })
  const options = {
    docker: port,
    cluster: parsed,
    reporter: silentReporter,
    phases: new Phases(silentReporter),
    network: DEFAULT_NETWORK,
    loadBalancerImage: LOAD_BALANCER_IMAGE,
    waitMs: 0,
    nodeBootWaitMs: parseNodeBootWait(process.env[NODE_BOOT_WAIT_VARIABLE]),
    extraLabels: OWNER,
    hostEnv: {}
  }
  try {
    await provisionContainers(options)
    const nodes = planNodeNames(parsed)
    const info = await Promise.all(nodes.map(n => port.inspectContainer(n.name)))
    const summaries = nodes.map((n, i) => ({ name: n.name, role: n.role, ...info[i]!.networks[DEFAULT_NETWORK] }))
    await Promise.all(
      nodes.map(async n => {
        const version = await nodeKubernetesVersion(port, n.name)
        await writeKubeadmConfig(port, parsed, n, summaries.find(s => s.name === n.name)!, controlPlaneEndpoint(parsed), version)
        await patchContainerd(port, parsed, n.name)
      })
    )
    if (needsLoadBalancer(parsed)) await configureLoadBalancer(port, parsed, nodes)
    const files = CONTAINERS_ONLY ? {} : await captureFiles(cluster, needsLoadBalancer(parsed))
    return { files, inspect: await inspectAll(await containersOf(cluster)) }
  } finally {
    await deleteCluster(port, cluster, { kubeconfigPaths: [] })
  }
}

/** Replaces the cluster name and every container address with placeholders (they differ between runs). */
function normalise(text: string, cluster: string, inspect: Capture['inspect']): string {
  let out = text.split(cluster).join('CLUSTER')
  const entries = Object.entries(inspect).sort(([a], [b]) => (a < b ? -1 : 1))
  entries.forEach(([, raw], i) => {
    for (const net of Object.values(raw.NetworkSettings.Networks) as { IPAddress: string; GlobalIPv6Address: string }[]) {
      if (net.IPAddress) out = out.split(net.IPAddress).join(`IPV4-${i}`)
      if (net.GlobalIPv6Address) out = out.split(net.GlobalIPv6Address).join(`IPV6-${i}`)
    }
  })
  return out
}

/** What kind decides about a container; fields Docker fills in alike for both are left out. */
function containerFacts(raw: any, cluster: string) { // eslint-disable-line @typescript-eslint/no-explicit-any
  const labels = { ...raw.Config.Labels }
  delete labels['io.github.kind-action.owner']
  for (const key of Object.keys(raw.imageLabels ?? {})) if (labels[key] === raw.imageLabels[key]) delete labels[key]
  const ports = Object.fromEntries(
    Object.entries((raw.HostConfig.PortBindings ?? {}) as Record<string, { HostIp: string; HostPort: string }[]>).map(([k, v]) => [
      k,
      v.map(b => ({ HostIp: b.HostIp, HostPort: b.HostPort === '' ? 'docker' : 'chosen' }))
    ])
  )
  // The load balancer's program is ours to choose (see the top of this file).
  const program = raw.Name.endsWith('-external-load-balancer') ? 'load balancer' : undefined
  const facts = {
    Hostname: raw.Config.Hostname,
    Image: program ?? raw.Config.Image,
    Tty: raw.Config.Tty,
    Labels: labels,
    Env: [...raw.Config.Env].sort(),
    Cmd: program ?? raw.Config.Cmd,
    Entrypoint: program ?? raw.Config.Entrypoint,
    Volumes: raw.Config.Volumes,
    ExposedPorts: raw.Config.ExposedPorts,
    Privileged: raw.HostConfig.Privileged,
    SecurityOpt: raw.HostConfig.SecurityOpt,
    Tmpfs: raw.HostConfig.Tmpfs,
    // Sorted: the docker CLI that kind runs collects its --volume flags through a Go map, so kind's own
    // order changes from run to run (the Engine gets the same mounts either way).
    Binds: raw.HostConfig.Binds ? [...raw.HostConfig.Binds].sort() : raw.HostConfig.Binds,
    NetworkMode: raw.HostConfig.NetworkMode,
    RestartPolicy: raw.HostConfig.RestartPolicy,
    Init: raw.HostConfig.Init,
    CgroupnsMode: raw.HostConfig.CgroupnsMode,
    Sysctls: raw.HostConfig.Sysctls,
    UsernsMode: raw.HostConfig.UsernsMode,
    Devices: raw.HostConfig.Devices,
    PortBindings: ports,
    Networks: Object.keys(raw.NetworkSettings.Networks),
    // The Engine lists mounts in no particular order.
    Mounts: raw.Mounts.map((m: { Type: string; Destination: string; RW: boolean; Source: string }) => ({
      Type: m.Type,
      Destination: m.Destination,
      RW: m.RW,
      Source: m.Type === 'volume' ? 'anonymous' : m.Source
    })).sort((a: { Destination: string }, b: { Destination: string }) => (a.Destination < b.Destination ? -1 : 1))
  }
  return JSON.parse(JSON.stringify(facts).split(cluster).join('CLUSTER'))
}

describe.each(Object.entries(SCENARIOS_RUN))('parity with kind %s', (scenario, config) => {
  const theirs = `par-${scenario}-kind`
  const ours = `par-${scenario}-ours`
  let kindCapture: Capture
  let ourCapture: Capture

  afterAll(async () => {
    await deleteCluster(port, ours, { kubeconfigPaths: [] })
    await kind(['delete', 'cluster', '--name', theirs]).catch(() => undefined)
  })

  it('creates the same containers', async () => {
    kindCapture = await captureKind(theirs, config)
    ourCapture = await captureOurs(ours, config)
    const kindNames = Object.keys(kindCapture.inspect).map(n => n.replace(theirs, 'CLUSTER')).sort()
    const ourNames = Object.keys(ourCapture.inspect).map(n => n.replace(ours, 'CLUSTER')).sort()
    expect(ourNames).toEqual(kindNames)
    for (const name of Object.keys(kindCapture.inspect)) {
      const mine = name.replace(theirs, ours)
      expect({ container: name, ...containerFacts(ourCapture.inspect[mine], ours) }).toEqual({
        container: name,
        ...containerFacts(kindCapture.inspect[name], theirs)
      })
    }
  })

  it.skipIf(CONTAINERS_ONLY)('writes the same kubeadm.conf on every node and the same load balancer backends', () => {
    const kindFiles = Object.fromEntries(
      Object.entries(kindCapture.files).map(([k, v]) => [k.replace(theirs, 'CLUSTER'), normalise(v, theirs, kindCapture.inspect)])
    )
    const ourFiles = Object.fromEntries(
      Object.entries(ourCapture.files).map(([k, v]) => [k.replace(ours, 'CLUSTER'), normalise(v, ours, ourCapture.inspect)])
    )
    expect(Object.keys(ourFiles).sort()).toEqual(Object.keys(kindFiles).sort())
    for (const key of Object.keys(kindFiles)) expect(`${key}\n${ourFiles[key]}`).toBe(`${key}\n${kindFiles[key]}`)
  })
})
