// kubeadm in the nodes: init, join, and the phases of either run ahead of them. Every run keeps its whole
// output in the node's /var/log/kind-action/, where the log export picks it up: kubeadm's own words are
// what explains a failed init or join.
import { finished } from 'node:stream/promises'
import { parseAllDocuments } from 'yaml'
import type { DockerPort } from '../docker/port.js'
import { NodeCommandError, commandFailure, explain, run, writeFile } from './node-exec.js'
import type { Reporter } from './phases.js'
import { withKubeletReason } from './kubelet-failure.js'

export const KUBEADM_CONF = '/kind/kubeadm.conf'
/** Where every kubeadm run leaves its transcript; the log export collects it. */
const KUBEADM_LOG_DIR = '/var/log/kind-action'

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

/**
 * Takes a successful run's transcript write instead of kubeadm() waiting for it: that write is an exec,
 * a few tenths of a second on a busy node, and what follows init (the joins) should not wait on it.
 */
export type TranscriptSink = (written: Promise<void>) => void

/**
 * Runs kubeadm, handing each line of its stdout to onLine as it comes. A failed run's transcript is
 * written before the error is thrown, so that the log export finds it.
 */
export async function kubeadm(
  docker: DockerPort,
  node: string,
  args: string[],
  logName: string,
  onLine: (line: string) => void = () => undefined,
  transcriptSink?: TranscriptSink
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
  const written = writeFile(docker, node, `${KUBEADM_LOG_DIR}/${logName}.log`, transcript).catch(() => undefined)
  if (result.exitCode !== 0) {
    await written
    throw await commandFailure(docker, node, command, result)
  }
  if (transcriptSink) transcriptSink(written)
  else await written
}

/**
 * kubeadm init's own word that the API server answers: kubeadm 1.31+ checks each component and says so,
 * older ones say all are healthy at once; uploading its config comes right after in either.
 */
const API_SERVER_HEALTHY = /^\[control-plane-check\] kube-apiserver is healthy|^\[apiclient\] All control plane components are healthy|^\[upload-config\]/

/**
 * kubeadm init's line saying it marks the node as a control plane: the configuration upload before it
 * has used admin.conf, and so made the kubeadm:cluster-admins binding that admin.conf relies on (1.29+).
 * From here on kind's own commands with admin.conf (the CNI and storage manifests) work.
 */
const ADMIN_CONF_USABLE = /^\[mark-control-plane\]/

export function adminConfUsableWatcher(): (line: string) => boolean {
  return firstLineWatcher(ADMIN_CONF_USABLE)
}

/** A line observer for kubeadm's stdout: true once, at the first line matching the pattern. */
export function firstLineWatcher(pattern: RegExp): (line: string) => boolean {
  let fired = false
  return line => {
    if (fired || !pattern.test(line)) return false
    fired = true
    return true
  }
}

/**
 * kubeadm init's line saying the kubelet has started the control plane's static pods: the first
 * component found healthy (kubeadm 1.34 checks each one), or, from older kubeadm, all of them at once.
 * The config upload, which needs the API server, stands in when neither line comes.
 */
const CONTROL_PLANE_STARTED = /^\[control-plane-check\] \S+ is healthy|^\[apiclient\] All control plane components are healthy|^\[upload-config\]/

/** A line observer for kubeadm init's stdout: true once, when the control plane's static pods run. */
export function controlPlaneStartedWatcher(): (line: string) => boolean {
  return firstLineWatcher(CONTROL_PLANE_STARTED)
}

/** A line observer for kubeadm init's stdout: true once, at the first line saying the API server answers. */
export function apiServerHealthyWatcher(): (line: string) => boolean {
  return firstLineWatcher(API_SERVER_HEALTHY)
}

/** kubeadm init with the given arguments (see planInit), handing each line of its stdout to onLine. */
export async function kubeadmInit(
  docker: DockerPort,
  node: string,
  args: string[],
  onLine?: (line: string) => void,
  transcriptSink?: TranscriptSink
): Promise<void> {
  await kubeadm(docker, node, args, 'kubeadm-init', onLine, transcriptSink)
}

export interface KubeadmDocument {
  apiVersion?: unknown
  kind?: unknown
  skipPhases?: unknown
  [field: string]: unknown
}

/** The YAML documents of a rendered (and patched) kubeadm.conf, as plain objects. */
export function kubeadmDocuments(kubeadmConf: string): KubeadmDocument[] {
  return parseAllDocuments(kubeadmConf)
    .map(doc => doc.toJS() as unknown)
    .filter((value): value is KubeadmDocument => typeof value === 'object' && value !== null)
}

/** kubeadm's v1beta2 config (kind's below Kubernetes 1.23) has no skipPhases: kind passes a flag instead. */
function carriesSkipPhases(documents: KubeadmDocument[]): boolean {
  return !documents.some(doc => doc.apiVersion === 'kubeadm.k8s.io/v1beta2')
}

/**
 * The phases InitConfiguration skips in a rendered (and patched) kubeadm.conf; undefined when its API
 * version has no such field.
 */
export function initConfigurationSkipPhases(kubeadmConf: string): string[] | undefined {
  const documents = kubeadmDocuments(kubeadmConf)
  if (!carriesSkipPhases(documents)) return undefined
  const skipPhases = documents.find(doc => doc.kind === 'InitConfiguration')?.skipPhases
  return Array.isArray(skipPhases) ? skipPhases.map(String) : []
}

/** kind's kubeadm join (kind-spec §5.7); below Kubernetes 1.23 preflight is skipped by a flag, not the config. */
export function kubeadmJoinArgs(kubeadmConf: string): string[] {
  const args = ['join', '--config', KUBEADM_CONF, '--v=6']
  return carriesSkipPhases(kubeadmDocuments(kubeadmConf)) ? args : [...args, '--skip-phases=preflight']
}

export async function kubeadmJoin(docker: DockerPort, node: string, kubeadmConf: string, onLine?: (line: string) => void): Promise<void> {
  try {
    await kubeadm(docker, node, kubeadmJoinArgs(kubeadmConf), 'kubeadm-join', onLine)
  } catch (error) {
    throw await withKubeletReason(docker, error)
  }
}

/** Whether a kubeadm config skips a phase that writeConfigAndPrepareInit or prepareJoinPhases would run. */
export function skipsCertificatePhases(kubeadmConf: string): boolean {
  return kubeadmDocuments(kubeadmConf).some(
    doc => Array.isArray(doc.skipPhases) && doc.skipPhases.some(phase => /^(certs|kubeconfig|control-plane-prepare)\b/.test(String(phase)))
  )
}

/**
 * kubeadm join's certificate and kubeconfig phases, run ahead of the join itself, which then finds and
 * uses what they made. A failure leaves the work to the join, which reports it.
 */
export async function prepareJoinPhases(docker: DockerPort, node: string, reporter: Reporter): Promise<void> {
  try {
    for (const phase of ['certs', 'kubeconfig']) {
      await kubeadm(docker, node, ['join', 'phase', 'control-plane-prepare', phase, `--config=${KUBEADM_CONF}`], `kubeadm-join-${phase}`)
    }
  } catch (error) {
    reporter.info(`Making ${node}'s certificates ahead of kubeadm join did not work; kubeadm join makes them: ${String(error)}`)
  }
}

/** Exit code of PREPARE_INIT when kubeadm.conf itself could not be written. */
const CONF_NOT_WRITTEN = 90

/**
 * Writes kubeadm.conf from stdin, then init's certificate and kubeconfig phases: the CA first, then two at
 * once (each makes its RSA keys one by one), in one exec since each costs a process start in a booting node.
 * Each leaves its transcript in the log directory. See docs/design/init-certs-while-booting.md.
 */
const PREPARE_INIT = `
conf=$1 logs=$2
mkdir -p "$(dirname "$conf")" "$logs" && cat > "$conf" || exit ${CONF_NOT_WRITTEN}
phase() {
  log="$logs/kubeadm-init-$1.log"; shift
  { echo "\$ kubeadm init phase $* --config=$conf"; kubeadm init phase "$@" --config="$conf" 2>&1; rc=$?; echo "exit code $rc"; } > "$log"
  [ "$rc" = 0 ] || { tail -n 30 "$log" >&2; return 1; }
}
phase certs-ca certs ca || exit 1
phase certs-all certs all & certs=$!
phase kubeconfig-all kubeconfig all & kubeconfigs=$!
wait "$certs"; certs=$?
wait "$kubeconfigs" && [ "$certs" = 0 ]
`

/**
 * Writes the bootstrap node's kubeadm.conf and makes init's certificates and kubeconfigs ahead of init,
 * which then finds and uses them. Only a kubeadm.conf that cannot be written is an error here; a phase
 * that fails leaves its work to init, which reports it.
 */
export async function writeConfigAndPrepareInit(docker: DockerPort, node: string, kubeadmConf: string, reporter: Reporter): Promise<void> {
  const command = ['bash', '-c', PREPARE_INIT, 'prepare-init', KUBEADM_CONF, KUBEADM_LOG_DIR]
  const result = await docker.exec(node, command, { privileged: true, stdin: kubeadmConf })
  if (result.exitCode === CONF_NOT_WRITTEN) throw new NodeCommandError(node, ['write', KUBEADM_CONF], result)
  if (result.exitCode !== 0) {
    reporter.info(
      `Making ${node}'s certificates ahead of kubeadm init did not work; kubeadm init makes them: ${explain(`${result.stdout}\n${result.stderr}`)}`
    )
  }
}

/**
 * The shared files as one tar archive (kind copies them one by one with cat and cp: three execs a file,
 * which add up to seconds on a busy 2-core runner). Modes and owners travel with them.
 */
export async function readSharedFiles(docker: DockerPort, from: string): Promise<Buffer> {
  const command = ['tar', '-C', '/', '-cf', '-', ...SHARED_CONTROL_PLANE_FILES.map(path => path.slice(1))]
  const { stdout, done } = await docker.execStream(from, command, { privileged: true })
  const [chunks, result] = await Promise.all([stdout.toArray() as Promise<Buffer[]>, done])
  if (result.exitCode !== 0) throw await commandFailure(docker, from, command, result)
  return Buffer.concat(chunks)
}

export async function writeSharedFiles(docker: DockerPort, to: string, archive: Buffer): Promise<void> {
  await run(docker, to, ['tar', '-C', '/', '-xf', '-'], { stdin: archive })
}
