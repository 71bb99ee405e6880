// `kind create cluster`: the action's own creation (src/cluster/create.ts) behind kind's flags. As with
// kind, --wait waits and only warns when the time runs out (ours waits for every node Ready and CoreDNS,
// kind's for the control planes), and a failed creation removes what it made unless --retain.
import { performance } from 'node:perf_hooks'
import { resolve } from 'node:path'
import { createCluster } from '../../cluster/create.js'
import { deleteCluster } from '../../cluster/delete.js'
import { DEFAULT_NETWORK, kubeconfigContext } from '../../cluster/identity.js'
import { exportKubeconfig, resolveKubeconfigPath } from '../../cluster/kubeconfig.js'
import { Phases, type Reporter } from '../../cluster/phases.js'
import { waitForReadiness } from '../../cluster/readiness.js'
import { NODE_BOOT_WAIT_VARIABLE, parseNodeBootWait } from '../../cluster/node-boot-wait.js'
import { parseSpeedUps, SPEED_UPS_VARIABLE } from '../../cluster/speed-up-names.js'
import { loadClusterConfig } from '../../config/index.js'
import type { Cluster } from '../../config/types.js'
import { defaultNodeImage, LOAD_BALANCER_IMAGE } from '../../node-images.js'
import { clusterName, flag, type CliContext } from '../context.js'
import { formatGoDuration } from '../flags.js'
import { listNodes } from './get.js'

function reporterFor(c: CliContext): Reporter {
  return {
    info: message => c.log.info(message, 1),
    warning: message => c.log.warn(message),
    group: (title, fn) => {
      c.log.info(` • ${title} ...`)
      return fn()
    }
  }
}

async function readConfig(c: CliContext, cwd: string): Promise<Cluster> {
  const config = flag<string>(c, 'config')
  const name = clusterName(c)
  const image = flag<string>(c, 'image')
  const options = { defaultImage: defaultNodeImage(), cwd, ...(name ? { nameOverride: name } : {}), ...(image ? { imageOverride: image } : {}) }
  // `--config -` reads the config from stdin, as kind does; a file path is read relative to the cwd.
  const input = config === '-' ? `${await c.io.readStdin()}\n` : config ? resolve(cwd, config) : ''
  return loadClusterConfig(input, options)
}

/** kind's --wait: a wait that ends in a warning, not a failure, when the time runs out. */
async function waitReady(c: CliContext, bootstrap: string, nodes: string[], waitMs: number): Promise<void> {
  c.log.info(` • Waiting ≤ ${formatGoDuration(waitMs)} for nodes Ready and CoreDNS ⏳`)
  const start = performance.now()
  try {
    await waitForReadiness(c.docker, bootstrap, nodes, waitMs)
    c.log.info(` • Ready after ${formatGoDuration(Math.round((performance.now() - start) / 1000) * 1000)} 💚`)
  } catch (error) {
    c.log.info(` • WARNING: Timed out waiting for Ready ⚠️ (${(error as Error).message})`)
  }
}

/** kind's validateProvider on a cgroup v1 host: a warning, first, before anything is read or made. */
async function warnOnCgroupV1(c: CliContext): Promise<void> {
  const info = await c.docker.info()
  if (info.cgroupVersion !== '2' && !info.securityOptions.some(o => o.includes('name=rootless'))) {
    c.log.info('cgroup v1 is deprecated in Kubernetes and will not be supported in a future kind release, please upgrade to cgroup v2')
  }
}

export async function createClusterCommand(c: CliContext): Promise<void> {
  await warnOnCgroupV1(c)
  const cluster = await readConfig(c, process.cwd())
  if ((await listNodes(c.docker, cluster.name)).length) {
    throw new Error(`failed to create cluster: node(s) already exist for a cluster with the name ${JSON.stringify(cluster.name)}`)
  }
  const explicitKubeconfig = flag<string>(c, 'kubeconfig')
  const kubeconfigPath = resolveKubeconfigPath(explicitKubeconfig, c.env.KUBECONFIG, c.home)
  const reporter = reporterFor(c)
  c.log.info(`Creating cluster ${JSON.stringify(cluster.name)} ...`)
  try {
    const created = await createCluster({
      docker: c.docker,
      cluster,
      reporter,
      phases: new Phases(reporter),
      network: c.env.KIND_EXPERIMENTAL_DOCKER_NETWORK || DEFAULT_NETWORK,
      loadBalancerImage: LOAD_BALANCER_IMAGE,
      waitMs: 0,
      extraLabels: {},
      hostEnv: c.env,
      speedUps: parseSpeedUps(c.env[SPEED_UPS_VARIABLE]),
      nodeBootWaitMs: parseNodeBootWait(c.env[NODE_BOOT_WAIT_VARIABLE]),
      afterControlPlane: facts => exportKubeconfig(kubeconfigPath, facts.kubeconfig)
    })
    const waitMs = flag<number>(c, 'wait')
    if (waitMs > 0) await waitReady(c, created.bootstrapNode, created.nodes.map(n => n.name), waitMs)
  } catch (error) {
    if (!flag<boolean>(c, 'retain')) await deleteCluster(c.docker, cluster.name, { kubeconfigPaths: [kubeconfigPath] }).catch(() => undefined)
    throw new Error(`failed to create cluster: ${(error as Error).message}`)
  }
  const context = kubeconfigContext(cluster.name)
  const sample = `kubectl cluster-info --context ${context}${explicitKubeconfig ? ` --kubeconfig ${explicitKubeconfig}` : ''}`
  c.log.info(`Set kubectl context to ${JSON.stringify(context)}`)
  c.log.info(`You can now use your cluster with:\n\n${sample}`)
}
