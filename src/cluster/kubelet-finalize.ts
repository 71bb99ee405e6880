// kubeadm init's last step for the kubelet, run while init waits for the control plane instead of after it.
//
// kubeadm init ends with its kubelet-finalize phase: it points kubelet.conf at the kubelet's rotatable
// client certificate and restarts the kubelet. A kubelet younger than a probe's period delays each new
// probe worker's first run by a random part of that period (kubelet prober worker.go, against probe
// storms after a restart). CoreDNS is scheduled a few seconds after init, as soon as the node is Ready,
// so its readiness probe (every 10 s) started 0-10 s late in every creation, kind's as much as ours.
// The same phase, run as soon as the kubelet has registered its node and the API server has made its
// system PriorityClasses (see NODE_REGISTERED), restarts it early enough that it is past 10 s old when
// CoreDNS arrives on a node that becomes Ready later (the bootstrap node of a cluster with workers; not a
// lone control plane, whose node is Ready 6-8 s after the restart); kubelet.conf and the kubelet's
// certificate files come out as kubeadm's own phase writes them, because it is kubeadm's own phase.
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
 * kind's kubeadm init (kind-spec §5.4), with kubelet-finalize left to finalizeKubelet when the config
 * carries the phases to skip (Kubernetes 1.23+; the flag replaces that list, so it repeats it) and does
 * not already skip any part of that phase. Older configs cannot carry the list: kind passes it as a
 * flag, and init runs its own kubelet-finalize as kind's does.
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
 * The kubelet makes a static pod's mirror pod (what `kubectl get pods` shows) once it knows its own Node
 * (kubelet.go fastStaticPodsRegistration), and after that only when it syncs the pod, which for a steady
 * pod means an event (a probe result, a container's state) or a minute later. The attempt fails while the
 * API server has not yet made its system PriorityClasses (the first kubelet's journal here, 0.1 s after
 * it registered: "no PriorityClass with name system-node-critical was found" for all four pods).
 * Restarted before it had registered its node, our kubelet met the same fate: a static pod whose probes
 * had passed got its mirror pod a minute or more later, and a control plane joining meanwhile found no
 * etcd pod and failed in kubeadm's check-etcd (one HA creation in three here; another took a minute
 * longer). So the restart waits for the kubelet's "Successfully registered node" line (from any of its
 * runs) and for the API server's own line saying those classes exist (in its pod log; 0.6 s after the
 * registration in a traced creation, where kubeadm's "API server healthy" came 2 s after it), each up to
 * REGISTRATION_WAIT_SECONDS (then it goes ahead, as before): restarted then, the kubelet knows its node
 * at once and its mirror pods are made.
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
