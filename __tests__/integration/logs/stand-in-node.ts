// A container that stands in for a kind node in the log tests, built locally (no registry here): the
// host's busybox for a shell, the host's GNU tar (kind's tar flags are GNU's) with its libraries, a
// /var/log tree with the awkward cases (symlinks, a hard link, a FIFO, a big file, long names), and small
// scripts in place of journalctl, crictl and kubectl that answer the exporter's exact commands. It proves
// the Docker side — exec, streams, exit codes, tar over the API, labels, stopped containers — while
// real Kubernetes output is the e2e tests' business.
import { execFileSync } from 'node:child_process'
import { chmodSync, copyFileSync, linkSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { EVENTS, NODES, PODS } from '../../unit/logs/kube-fixtures.js'

export const STAND_IN_IMAGE = 'kind-action-test/logs-node:v3'

/** Lines the fake journalctl prints for the whole journal: enough to test the cap. */
export const JOURNAL_LINES = 40_000

const JOURNALCTL = `#!/bin/sh
case "$*" in
  *kubelet.service*) echo "kubelet: I0101 00:00:01 server.go:1] Started kubelet on $(hostname)" ;;
  *containerd.service*) echo "containerd: containerd successfully booted on $(hostname)" ;;
  *) h=$(hostname); i=0; while [ $i -lt ${JOURNAL_LINES} ]; do echo "journal line $i of $h"; i=$((i+1)); done ;;
esac
`

const CRICTL = `#!/bin/sh
[ "$1" = images ] || { echo "crictl: unknown command $1" >&2; exit 1; }
echo "IMAGE                                TAG                 IMAGE ID            SIZE"
echo "registry.k8s.io/pause                3.10                873ed75102791       320kB"
`

// Answers the exporter's kubectl questions from files; /fake/api-down makes it behave like a dead API server.
const KUBECTL = `#!/bin/sh
if [ -e /fake/api-down ]; then
  echo "The connection to the server $(hostname):6443 was refused - did you specify the right host or port?" >&2
  exit 1
fi
case "$1 $2" in --kubeconfig=/etc/kubernetes/admin.conf\\ --request-timeout=20s) shift 2 ;; *) echo "unexpected flags: $*" >&2; exit 2 ;; esac
case "$*" in
  "get nodes -o json") cat /fake/nodes.json ;;
  "get events --all-namespaces -o json") cat /fake/events.json ;;
  "get pods --all-namespaces -o json") cat /fake/pods.json ;;
  "get all --all-namespaces -o wide") echo "NAMESPACE   NAME                 READY   STATUS"; echo "kube-system pod/crashy           0/1     CrashLoopBackOff" ;;
  "get nodes -o wide") echo "NAME   STATUS   ROLES"; echo "$(hostname)   NotReady   control-plane" ;;
  "describe pod --namespace "*) echo "Name:         $5"; echo "Namespace:    $4"; echo "Events:       <none>" ;;
  *) echo "kubectl: unexpected arguments: $*" >&2; exit 2 ;;
esac
`

function libraries(binary: string): string[] {
  return execFileSync('ldd', [binary], { encoding: 'utf8' })
    .split('\n')
    .map(line => line.match(/(\/\S+)\s+\(0x/)?.[1])
    .filter((path): path is string => Boolean(path))
}

function imageExists(image: string): boolean {
  try {
    execFileSync('docker', ['image', 'inspect', image], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

export function ensureStandInImage(): void {
  if (imageExists(STAND_IN_IMAGE)) return
  const root = mkdtempSync(join(tmpdir(), 'stand-in-node-'))
  const put = (path: string, content: string | Buffer, mode = 0o644): void => {
    mkdirSync(dirname(join(root, path)), { recursive: true })
    writeFileSync(join(root, path), content)
    chmodSync(join(root, path), mode)
  }
  const copy = (path: string): void => {
    mkdirSync(dirname(join(root, path)), { recursive: true })
    copyFileSync(path, join(root, path))
  }

  copy('/bin/busybox')
  for (const applet of execFileSync('/bin/busybox', ['--list'], { encoding: 'utf8' }).split('\n').filter(Boolean)) {
    if (!['busybox', 'tar', 'sh'].includes(applet)) symlinkSync('busybox', join(root, 'bin', applet))
  }
  // dash as sh: busybox's own sh runs its tar applet whatever PATH says, and kind's command needs GNU tar.
  copy('/usr/bin/tar')
  copy('/bin/dash')
  symlinkSync('dash', join(root, 'bin', 'sh'))
  for (const lib of new Set([...libraries('/usr/bin/tar'), ...libraries('/bin/dash')])) copy(lib)
  put('kind/version', 'v1.34.4')
  put('usr/bin/journalctl', JOURNALCTL, 0o755)
  put('usr/bin/crictl', CRICTL, 0o755)
  put('usr/bin/kubectl', KUBECTL, 0o755)
  put('fake/nodes.json', NODES)
  put('fake/events.json', EVENTS)
  put('fake/pods.json', PODS)

  // /var/log as a node has it, with what tar and the extractor must handle.
  put('var/log/pods/kube-system_etcd-x_0123/etcd/0.log', 'etcd: serving client requests\n')
  mkdirSync(join(root, 'var/log/containers'))
  symlinkSync('/var/log/pods/kube-system_etcd-x_0123/etcd/0.log', join(root, 'var/log/containers/etcd-x_kube-system_etcd-0123.log'))
  put('var/log/dpkg.log', 'status installed kubelet\n')
  linkSync(join(root, 'var/log/dpkg.log'), join(root, 'var/log/dpkg.log.hardlink'))
  execFileSync('mkfifo', [join(root, 'var/log/a-fifo')])
  put('var/log/big.log', Buffer.concat([Buffer.alloc(300 * 1024, 'b'), Buffer.from('\nBIG END\n')]))
  put(`var/log/${'long-directory-name-'.repeat(4)}/${'long-file-name-'.repeat(6)}.log`, 'long\n')

  execFileSync('sh', ['-c', `tar -C '${root}' -c . | docker import -c 'ENV PATH=/usr/bin:/bin' - ${STAND_IN_IMAGE}`])
  execFileSync('rm', ['-rf', root])
}

export interface StandInNode {
  name: string
  role: string
  running?: boolean
}

/** Starts stand-in nodes of a cluster, labelled as kind labels its containers (kind-spec §0). */
export function startStandInCluster(cluster: string, nodes: StandInNode[], extraLabels: Record<string, string> = {}): string[] {
  const names: string[] = []
  for (const node of nodes) {
    const labels = { 'io.x-k8s.kind.cluster': cluster, 'io.x-k8s.kind.role': node.role, ...extraLabels }
    execFileSync('docker', [
      'create',
      // A TTY, as kind's nodes have: docker logs then gives the plain output (serial.log).
      '--tty',
      '--name',
      node.name,
      '--hostname',
      node.name,
      ...Object.entries(labels).flatMap(([k, v]) => ['--label', `${k}=${v}`]),
      STAND_IN_IMAGE,
      'sh',
      '-c',
      `echo "booted ${node.name}"; exec sleep 3600`
    ])
    if (node.running !== false) execFileSync('docker', ['start', node.name])
    names.push(node.name)
  }
  return names
}

export function removeContainers(names: string[]): void {
  if (names.length) execFileSync('docker', ['rm', '-f', '-v', ...names], { stdio: 'ignore' })
}
