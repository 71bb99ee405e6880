// kubeadm init's last step for the kubelet, run while init waits for the control plane instead of after it.
//
// kubeadm init ends with its kubelet-finalize phase: it points kubelet.conf at the kubelet's rotatable
// client certificate and restarts the kubelet. A kubelet younger than a probe's period delays each new
// probe worker's first run by a random part of that period (kubelet prober worker.go, against probe
// storms after a restart). CoreDNS is scheduled a few seconds after init, as soon as the node is Ready,
// so its readiness probe (every 10 s) started 0-10 s late in every creation, kind's as much as ours.
// The same phase, run as soon as the kubelet has started the control plane's static pods and registered
// its node (see NODE_REGISTERED), restarts it early enough that it is usually past 10 s old
// when CoreDNS arrives (not always on a lone control plane: measured waits after creation 4-10 s);
// kubelet.conf and the kubelet's certificate files come out as kubeadm's own phase writes them,
// because it is kubeadm's own phase.
import type { DockerPort } from '../docker/port.js'
import { firstLineWatcher, initConfigurationSkipPhases, kubeadm, kubeadmInit, KUBEADM_CONF, type TranscriptSink } from './kubeadm-commands.js'
import { journalLineSeen } from './kubelet-assist.js'
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
export function planInit(kubeadmConf: string, kubeProxyMode: string): InitPlan {
  const skipped = initConfigurationSkipPhases(kubeadmConf)
  if (!skipped) {
    const kindSkips = kubeProxyMode === 'none' ? 'preflight,addon/kube-proxy' : 'preflight'
    return { args: [...KIND_INIT_ARGS, `--skip-phases=${kindSkips}`], finalizeAlongside: false }
  }
  if (skipped.some(phase => phase === KUBELET_FINALIZE || phase.startsWith(`${KUBELET_FINALIZE}/`))) {
    return { args: KIND_INIT_ARGS, finalizeAlongside: false }
  }
  return { args: [...KIND_INIT_ARGS, `--skip-phases=${[...skipped, KUBELET_FINALIZE].join(',')}`], finalizeAlongside: true }
}

/**
 * kubeadm init's line saying the kubelet has started the control plane's static pods: the first
 * component found healthy (kubeadm 1.34 checks each one), or, from older kubeadm, all of them at once.
 * The config upload, which needs the API server, stands in when neither line comes (then the kubelet is
 * restarted about when kubeadm's own phase would have restarted it).
 */
const CONTROL_PLANE_STARTED = /^\[control-plane-check\] \S+ is healthy|^\[apiclient\] All control plane components are healthy|^\[upload-config\]/

/** A line observer for kubeadm init's stdout: true once, when finalizeKubelet can run. */
export function controlPlaneStartedWatcher(): (line: string) => boolean {
  return firstLineWatcher(CONTROL_PLANE_STARTED)
}

/**
 * The kubelet makes a static pod's mirror pod (what `kubectl get pods` shows) only when it syncs that pod
 * and already knows its own Node, and it syncs a running pod again only on an event (a probe result, a
 * container's state) or a minute later. Restarted before it had registered its node, the kubelet's first
 * syncs found none, and a static pod whose probes had passed by then got its mirror pod a minute or more
 * later: a control plane joining meanwhile found no etcd pod and failed in kubeadm's check-etcd (one HA
 * creation in three here; another took a minute longer). So the restart waits for the kubelet's
 * "Successfully registered node" line (from any of its runs), up to REGISTRATION_WAIT_SECONDS (then it
 * goes ahead, as before): restarted after it, the kubelet knows its node at once, and its new probes'
 * first results make the mirror pods.
 */
const REGISTRATION_WAIT_SECONDS = 30
const NODE_REGISTERED = 'Successfully registered node'

/** kubeadm's kubelet-finalize phase, on its own; its transcript joins init's in the log directory. */
async function finalizeKubelet(docker: DockerPort, node: string, transcriptSink?: TranscriptSink): Promise<void> {
  await journalLineSeen(docker, node, 'kubelet', NODE_REGISTERED, REGISTRATION_WAIT_SECONDS, 'all')
  await kubeadm(docker, node, ['init', 'phase', KUBELET_FINALIZE, 'all', `--config=${KUBEADM_CONF}`, '--v=6'], `kubeadm-init-${KUBELET_FINALIZE}`, undefined, transcriptSink)
}

export interface InitOptions {
  docker: DockerPort
  phases: Phases
  node: string
  /** The node's kubeadm.conf as written, which planInit reads. */
  kubeadmConf: string
  kubeProxyMode: string
  /** Each line of init's stdout. */
  onLine: (line: string) => void
  /** Takes the transcript writes, which nothing waits for (see TranscriptSink). */
  transcriptSink: TranscriptSink
}

/**
 * kubeadm init as planInit says, with kubelet-finalize run alongside once the control plane has started
 * (or after init, if no line said so); done when both are. If init fails, its error is the one reported.
 */
export async function initWithKubeletFinalize(options: InitOptions): Promise<void> {
  const { docker, phases, node, transcriptSink } = options
  const init = planInit(options.kubeadmConf, options.kubeProxyMode)
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
