// kubeadm in the nodes: init, join, and the phases of either run ahead of them. Every run keeps its whole
// output in the node's /var/log/kind-action/, where the log export picks it up: kubeadm's own words are
// what explains a failed init or join.
import { finished } from 'node:stream/promises'
import type { DockerPort } from '../docker/port.js'
import { NodeCommandError, run, writeFile } from './node-exec.js'
import type { Reporter } from './phases.js'

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

/** Runs kubeadm, handing each line of its stdout to onLine as it comes. */
export async function kubeadm(
  docker: DockerPort,
  node: string,
  args: string[],
  logName: string,
  onLine: (line: string) => void = () => undefined
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
  await writeFile(docker, node, `/var/log/kind-action/${logName}.log`, transcript).catch(() => undefined)
  if (result.exitCode !== 0) throw new NodeCommandError(node, command, result)
}

/**
 * kubeadm init's own word that the API server answers: kubeadm 1.31+ checks each component and says so,
 * older ones say all are healthy at once; uploading its config comes right after in either.
 */
const API_SERVER_HEALTHY = /^\[control-plane-check\] kube-apiserver is healthy|^\[apiclient\] All control plane components are healthy|^\[upload-config\]/

/** A line observer for kubeadm init's stdout: true once, at the first line saying the API server answers. */
export function apiServerHealthyWatcher(): (line: string) => boolean {
  let fired = false
  return line => {
    if (fired || !API_SERVER_HEALTHY.test(line)) return false
    fired = true
    return true
  }
}

/** kubeadm init as kind runs it, handing each line of its stdout to onLine (see apiServerHealthyWatcher). */
export async function kubeadmInit(docker: DockerPort, node: string, onLine?: (line: string) => void): Promise<void> {
  await kubeadm(docker, node, ['init', '--config=/kind/kubeadm.conf', '--skip-token-print', '--v=6'], 'kubeadm-init', onLine)
}

export async function kubeadmJoin(docker: DockerPort, node: string, onLine?: (line: string) => void): Promise<void> {
  await kubeadm(docker, node, ['join', '--config', '/kind/kubeadm.conf', '--v=6'], 'kubeadm-join', onLine)
}

/** Whether a kubeadm config skips a phase that prepareKubeadmPhases would run. */
export function skipsCertificatePhases(kubeadmConf: string): boolean {
  return /^\s*skipPhases:(\n\s*- .*)*\n\s*- (certs|kubeconfig|control-plane-prepare)\b/m.test(kubeadmConf)
}

/**
 * kubeadm's certificate and kubeconfig phases of init or join, run ahead of the command itself, which
 * then finds and uses what they made. A failure leaves the work to the command, which reports it.
 */
export async function prepareKubeadmPhases(docker: DockerPort, node: string, command: 'init' | 'join', reporter: Reporter): Promise<void> {
  const phases =
    command === 'init'
      ? [['certs', 'all'], ['kubeconfig', 'all']]
      : [['control-plane-prepare', 'certs'], ['control-plane-prepare', 'kubeconfig']]
  try {
    for (const phase of phases) {
      await kubeadm(docker, node, [command, 'phase', ...phase, '--config=/kind/kubeadm.conf'], `kubeadm-${command}-${phase.join('-')}`)
    }
  } catch (error) {
    reporter.info(`Making ${node}'s certificates ahead of kubeadm ${command} did not work; kubeadm ${command} makes them: ${String(error)}`)
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
  if (result.exitCode !== 0) throw new NodeCommandError(from, command, result)
  return Buffer.concat(chunks)
}

export async function writeSharedFiles(docker: DockerPort, to: string, archive: Buffer): Promise<void> {
  await run(docker, to, ['tar', '-C', '/', '-xf', '-'], { stdin: archive })
}
