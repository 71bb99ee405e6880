// pod-cgroup-race-watch (docs/design/pod-cgroup-race-watch.md): on cgroup v1 only, the bootstrap node's
// kubelet restarted as soon as it loses the race with systemd over a pod's cgroup, not 10-15 s later.
import { restartKubeletAfterPodCgroupRace } from '../kubelet-assist.js'
import type { Creation } from '../creation/context.js'

export function podCgroupRaceWatch(c: Creation): void {
  // The race is cgroup v1's (systemd and the kubelet both making pod cgroups).
  if (!c.speedUp('pod-cgroup-race-watch') || c.host.cgroupV1 === false) return
  const node = c.bootstrap.name
  c.milestones.kubeletStarted.whenReached(() =>
    c.alongside(
      restartKubeletAfterPodCgroupRace(c.docker, node).then(
        restarted => {
          if (restarted) {
            c.reporter.info(`The kubelet on ${node} could not make a pod's cgroup (a race with systemd on cgroup v1); restarted it rather than wait out its 10-15 s retry`)
          }
        },
        (error: unknown) => c.reporter.info(`Could not watch the kubelet on ${node} for a pod cgroup race: ${String(error)}`)
      )
    )
  )
}
