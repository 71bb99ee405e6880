// Why kubeadm failed, when the reason is a kubelet that never starts: kubeadm then only reports that the
// API server never answered, while the kubelet's journal holds the one line a user can act on (a
// KubeletConfiguration this host cannot run, e.g. LimitedSwap on cgroup v1).
import type { DockerPort } from '../docker/port.js'
import { NodeCommandError, NodeStoppedError } from './node-exec.js'
import { PhaseError } from './phases.js'

// The kubelet's last words when it exits at start: run.go's `"command failed" err="..."`.
const KUBELET_EXIT = /"command failed" err="((?:[^"\\]|\\.)*)"/

/** The reason of the kubelet's last failed start in a journal, unescaped; undefined when it never failed so. */
export function kubeletStartFailure(journal: string): string | undefined {
  let found: string | undefined
  for (const line of journal.split('\n')) {
    const match = KUBELET_EXIT.exec(line)
    if (match) found = match[1].replace(/\\(.)/g, '$1')
  }
  return found
}

/** A failed kubeadm command whose node's kubelet does not start: the kubelet's reason comes first. */
export class KubeletStartError extends NodeCommandError {
  constructor(
    readonly kubeletReason: string,
    failed: NodeCommandError
  ) {
    super(failed.node, failed.command, failed.result)
    this.message = `the kubelet on node ${failed.node} does not start: ${kubeletReason}\n${this.message}`
    this.name = 'KubeletStartError'
  }
}

/**
 * The error to report for a kubeadm command that failed on a node: the same one, or a KubeletStartError
 * when the node's kubelet journal says it exits at start. Asking must not hide the first failure.
 */
export async function withKubeletReason(docker: DockerPort, error: unknown): Promise<unknown> {
  // A timed phase wraps what failed in it: the phase stays, its cause gains the reason.
  if (error instanceof PhaseError) {
    const cause = await withKubeletReason(docker, error.cause)
    return cause === error.cause ? error : new PhaseError(error.phase, cause)
  }
  // A stopped node has no kubelet to ask, and its stop is the cause.
  if (!(error instanceof NodeCommandError) || error instanceof KubeletStartError || error instanceof NodeStoppedError) return error
  try {
    const journal = await docker.exec(error.node, ['sh', '-c', CRASH_LOOP_JOURNAL], { privileged: true })
    const reason = journal.exitCode === 0 ? kubeletStartFailure(journal.stdout) : undefined
    return reason ? new KubeletStartError(reason, error) : error
  } catch {
    return error
  }
}

// The journal only when the kubelet is not running now: the same main process 2 s apart is a kubelet that
// started (its failures at boot, before kubeadm wrote its config, are old news); a crash loop (kind's unit
// restarts it every second) shows another process or none.
const CRASH_LOOP_JOURNAL = `pid() { systemctl show -p MainPID --value kubelet.service; }
a=$(pid); sleep 2; b=$(pid)
if [ "$a" = "$b" ] && [ "$b" != 0 ]; then exit 0; fi
exec journalctl --no-pager -o cat -u kubelet.service -n 300`
