// kubeadm init's last step for the kubelet (kubelet-finalize), run while init waits for the control plane
// instead of after it, so that CoreDNS meets a kubelet past its probe jitter (a restarted kubelet delays
// new probes by up to their period). See docs/design/kubelet-finalize-alongside.md.
import type { DockerPort } from '../docker/port.js'
import { controlPlaneStartedWatcher, initConfigurationSkipPhases, kubeadm, kubeadmInit, KUBEADM_CONF, type TranscriptSink } from './kubeadm-commands.js'
import { journalLineSeen } from './kubelet-assist.js'
import { run } from './node-exec.js'
import type { Phases } from './phases.js'

const KUBELET_FINALIZE = 'kubelet-finalize'

/** How kubeadm init is run on the bootstrap node. */
export interface InitPlan {
  /** Arguments after `kubeadm`. */
  args: string[]
  /** Whether init skips kubelet-finalize, for finalizeKubelet to run alongside it. */
  finalizeAlongside: boolean
}

const KIND_INIT_ARGS = ['init', `--config=${KUBEADM_CONF}`, '--skip-token-print', '--v=6']

/**
 * kind's kubeadm init (kind-spec §5.4), leaving kubelet-finalize to finalizeKubelet when the config carries
 * the phases to skip (1.23+; the flag replaces that list, so it repeats it) and skips no part of that phase;
 * older configs cannot carry the list, and init runs its own kubelet-finalize as kind's does.
 */
export function planInit(kubeadmConf: string, kubeProxyMode: string, finalizeAlongside = true): InitPlan {
  const skipped = initConfigurationSkipPhases(kubeadmConf)
  if (!skipped) {
    const kindSkips = kubeProxyMode === 'none' ? 'preflight,addon/kube-proxy' : 'preflight'
    return { args: [...KIND_INIT_ARGS, `--skip-phases=${kindSkips}`], finalizeAlongside: false }
  }
  if (!finalizeAlongside || skipped.some(phase => phase === KUBELET_FINALIZE || phase.startsWith(`${KUBELET_FINALIZE}/`))) {
    return { args: KIND_INIT_ARGS, finalizeAlongside: false }
  }
  return { args: [...KIND_INIT_ARGS, `--skip-phases=${[...skipped, KUBELET_FINALIZE].join(',')}`], finalizeAlongside: true }
}

/**
 * The restart waits for the kubelet's node registration and the API server's system PriorityClasses, each up
 * to REGISTRATION_WAIT_SECONDS: restarted earlier, it made its static pods' mirror pods a minute late and a
 * joining control plane failed check-etcd (docs/design/kubelet-finalize-alongside.md).
 */
const REGISTRATION_WAIT_SECONDS = 30
const NODE_REGISTERED = 'Successfully registered node'
const PRIORITY_CLASSES_MADE = 'all system priority classes are created successfully or already exist'

/** Polls the API server's pod log (the kubelet's /var/log/pods layout) until a line holds the text, or the seconds pass. */
const API_SERVER_LOG_SCRIPT = `
text=$1 seconds=$2
end=$(( $(date +%s) + seconds ))
until grep -qsF -- "$text" /var/log/pods/kube-system_kube-apiserver-*/kube-apiserver/*.log; do
  [ "$(date +%s)" -ge "$end" ] && exit 0
  sleep 0.1
done
`

/** kubeadm's kubelet-finalize phase, on its own; its transcript joins init's in the log directory. */
async function finalizeKubelet(docker: DockerPort, node: string, transcriptSink?: TranscriptSink): Promise<void> {
  await Promise.all([
    journalLineSeen(docker, node, 'kubelet', NODE_REGISTERED, REGISTRATION_WAIT_SECONDS, 'all'),
    run(docker, node, ['sh', '-c', API_SERVER_LOG_SCRIPT, 'wait-api-server-log', PRIORITY_CLASSES_MADE, String(REGISTRATION_WAIT_SECONDS)])
  ])
  await kubeadm(docker, node, ['init', 'phase', KUBELET_FINALIZE, 'all', `--config=${KUBEADM_CONF}`, '--v=6'], `kubeadm-init-${KUBELET_FINALIZE}`, undefined, transcriptSink)
}

export interface InitOptions {
  docker: DockerPort
  phases: Phases
  node: string
  /** The node's kubeadm.conf as written, which planInit reads. */
  kubeadmConf: string
  kubeProxyMode: string
  /** The kubelet-finalize-alongside speed-up; off, init runs its own phase as kind's does. */
  finalizeAlongside: boolean
  /** Each line of init's stdout. */
  onLine: (line: string) => void
  /** Takes the transcript writes, which nothing waits for (see TranscriptSink). */
  transcriptSink: TranscriptSink
}

/**
 * kubeadm init as planInit says, with kubelet-finalize run alongside once the control plane's static pods
 * run (or after init, if no line said so); done when both are. If init fails, its error is the one reported.
 */
export async function initWithKubeletFinalize(options: InitOptions): Promise<void> {
  const { docker, phases, node, transcriptSink } = options
  const init = planInit(options.kubeadmConf, options.kubeProxyMode, options.finalizeAlongside)
  const controlPlaneStarted = controlPlaneStartedWatcher()
  let finalized: Promise<void> | undefined
  const finalize = (): Promise<void> =>
    (finalized ??= phases.timed('Finalizing the kubelet (kubeadm kubelet-finalize)', () => finalizeKubelet(docker, node, transcriptSink)))
  const onLine = (line: string): void => {
    options.onLine(line)
    // Awaited below, after init; until then a failure must not count as unhandled.
    if (init.finalizeAlongside && controlPlaneStarted(line)) finalize().catch(() => undefined)
  }
  await kubeadmInit(docker, node, init.args, onLine, transcriptSink).catch(async (error: unknown) => {
    await finalized?.catch(() => undefined)
    throw error
  })
  if (init.finalizeAlongside) await finalize()
}
