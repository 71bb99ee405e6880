// The kubelet assist against a real node container: its own systemd and journald, and a unit standing in
// for a kubelet (the race itself, a kubelet losing to systemd over a pod's cgroup within its first
// second, cannot be caused on demand). The stand-in prints the kubelet's error line, or nothing like it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadClusterConfig } from '../../src/config/index.js'
import { provisionContainers } from '../../src/cluster/create.js'
import { deleteCluster } from '../../src/cluster/delete.js'
import { DEFAULT_NETWORK } from '../../src/cluster/identity.js'
import { restartKubeletAfterPodCgroupRace } from '../../src/cluster/kubelet-assist.js'
import { run } from '../../src/cluster/node-exec.js'
import { Phases, silentReporter } from '../../src/cluster/phases.js'
import { DockerodePort } from '../../src/docker/dockerode-port.js'
import { SINGLE_NODE } from '../helpers/kind-configs.js'
import { NODE_IMAGE, retry } from './harness.js'

const port = new DockerodePort()
const CLUSTER = 'e2e-kubelet-assist'
const NODE = `${CLUSTER}-control-plane`
// What kubelet 1.34 logged in the creation where etcd's pod lost the race (trimmed).
const RACE_LINE =
  'E1127 08:17:14.187644 307 pod_workers.go:1324] "Error syncing pod, skipping" err="failed to ensure that the pod: ' +
  '3c35bf5e cgroups exist and are correctly applied: failed to create container for [kubelet kubepods burstable pod3c35bf5e] : ' +
  'mkdir /sys/fs/cgroup/devices/kubelet.slice/kubelet-kubepods.slice/kubelet-kubepods-burstable.slice/x.slice: no such file or directory"'

const invocation = (unit: string): Promise<string> =>
  run(port, NODE, ['systemctl', 'show', '--property=InvocationID', '--value', unit]).then(out => out.trim())

/** A transient unit that prints the given line, then stays up as a kubelet would. */
async function standIn(unit: string, line: string): Promise<void> {
  await run(port, NODE, ['systemd-run', `--unit=${unit}`, '--collect', 'sh', '-c', 'echo "$0"; exec sleep 300', line])
}

describe('kubelet assist (real node container, stand-in kubelet units)', () => {
  beforeAll(async () => {
    const cluster = loadClusterConfig(SINGLE_NODE, {
      defaultImage: NODE_IMAGE,
      nameOverride: CLUSTER,
      cwd: process.cwd()
    })
    await provisionContainers({
      docker: port,
      cluster,
      reporter: silentReporter,
      phases: new Phases(silentReporter),
      network: DEFAULT_NETWORK,
      loadBalancerImage: 'unused',
      waitMs: 0,
      extraLabels: { 'io.github.kind-action.owner': 'kubelet-assist-test' },
      hostEnv: {}
    })
    // Booted, to kind, is the entrypoint's word on cgroup v1 hosts: systemd may not answer yet.
    await retry(
      'systemd in the node',
      async () => {
        const state = await port.exec(NODE, ['systemctl', 'is-system-running', '--wait'])
        if (!/^(running|degraded)$/m.test(state.stdout)) throw new Error(`systemd: ${state.stdout}${state.stderr}`)
      },
      60_000,
      500
    )
  }, 120_000)

  afterAll(async () => {
    await deleteCluster(port, CLUSTER, { kubeconfigPaths: [] })
  })

  it('restarts a kubelet that logged a pod cgroup failure, and says so', async () => {
    await standIn('race-kubelet', RACE_LINE)
    const before = await invocation('race-kubelet')
    expect(await restartKubeletAfterPodCgroupRace(port, NODE, 'race-kubelet', 10)).toBe(true)
    const after = await invocation('race-kubelet')
    expect(after).not.toBe('')
    expect(after).not.toBe(before)
  })

  it('leaves a kubelet alone when its log has no such failure, and gives up after its window', async () => {
    await standIn('calm-kubelet', 'I1127 08:20:51.884276 286 kubelet.go:2428] "Starting kubelet main sync loop"')
    const before = await invocation('calm-kubelet')
    const start = Date.now()
    expect(await restartKubeletAfterPodCgroupRace(port, NODE, 'calm-kubelet', 2)).toBe(false)
    expect(Date.now() - start).toBeGreaterThanOrEqual(2000)
    expect(Date.now() - start).toBeLessThan(10_000)
    expect(await invocation('calm-kubelet')).toBe(before)
  })

  it('only looks at the unit’s current run: a failure logged by an earlier run does not count', async () => {
    await standIn('rerun-kubelet', RACE_LINE)
    await run(port, NODE, ['systemctl', 'stop', 'rerun-kubelet'])
    await standIn('rerun-kubelet', 'I1127 "Starting kubelet main sync loop"')
    const before = await invocation('rerun-kubelet')
    expect(await restartKubeletAfterPodCgroupRace(port, NODE, 'rerun-kubelet', 2)).toBe(false)
    expect(await invocation('rerun-kubelet')).toBe(before)
  })

  it('is a no-op for a unit that is not running', async () => {
    expect(await restartKubeletAfterPodCgroupRace(port, NODE, 'no-such-kubelet', 2)).toBe(false)
  })
})
