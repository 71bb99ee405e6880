// Helping a kubelet over a pod cgroup race with systemd it can lose in its first second on cgroup v1
// (kubernetes/kubernetes#103542): a restart syncs its pods at once instead of after a 10-15 s back-off.
// See docs/design/pod-cgroup-race-watch.md.
import type { DockerPort } from '../docker/port.js'
import { firstLineWatcher } from './kubeadm-commands.js'
import { run } from './node-exec.js'

/** kubeadm's line right after it has (re)started the kubelet, in init and in join. */
const KUBELET_STARTED = /^\[kubelet-check\] Waiting for a healthy kubelet/

/** A line observer for kubeadm's stdout: true once, when kubeadm has just started the kubelet. */
export function kubeletStartedWatcher(): (line: string) => boolean {
  return firstLineWatcher(KUBELET_STARTED)
}

/** The kubelet's own error for a pod whose cgroup it could not create. */
const POD_CGROUP_FAILURE = 'failed to ensure that the pod'

/**
 * Follows a unit's journal, for at most the given seconds, until a line holds the text; prints "seen" if
 * one did. "current" reads only the unit's current run (its InvocationID), "all" every run since boot.
 * Ends quietly without journalctl.
 */
const FOLLOW_SCRIPT = `
unit=$1 seconds=$2 text=$3 runs=$4
command -v journalctl >/dev/null || exit 0
if [ "$runs" = current ]; then
  id=$(systemctl show --property=InvocationID --value "$unit")
  [ -n "$id" ] || exit 0
  match=_SYSTEMD_INVOCATION_ID=$id
else
  match=--unit=$unit
fi
if timeout "$seconds" journalctl --follow --no-tail --output=cat "$match" | grep -q --max-count=1 -F -- "$text"; then
  echo seen
fi
exit 0
`

/** Whether a line holding the text reached the unit's journal within the seconds (see FOLLOW_SCRIPT). */
export async function journalLineSeen(
  docker: DockerPort,
  node: string,
  unit: string,
  text: string,
  seconds: number,
  runs: 'current' | 'all'
): Promise<boolean> {
  const out = await run(docker, node, ['sh', '-c', FOLLOW_SCRIPT, 'follow-journal', unit, String(seconds), text, runs])
  return out.trim() === 'seen'
}

/**
 * Watches a kubelet that has just started for a pod it could not make a cgroup for, and restarts it if
 * so; resolves true when it did. The race happens within a second of the kubelet's start, so a few
 * seconds of watching its current run suffice.
 */
export async function restartKubeletAfterPodCgroupRace(docker: DockerPort, node: string, unit = 'kubelet', seconds = 8): Promise<boolean> {
  if (!(await journalLineSeen(docker, node, unit, POD_CGROUP_FAILURE, seconds, 'current'))) return false
  await run(docker, node, ['systemctl', 'restart', unit])
  return true
}
