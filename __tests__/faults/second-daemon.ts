// A second Docker daemon that a faults file starts, breaks and stops itself, so that the host's daemon
// (which another test run may be using) is never touched: its own network namespace (bridges, iptables
// and the API server's 127.0.0.1 ports apart from the host's), its own data and exec roots, its data
// root on a small loop-mounted ext4 (a disk that can be filled), containerd namespaces of its own, and
// the runc wrapper hack/docker-up.sh registers (this host cannot grant CAP_SYS_RESOURCE).
import { spawn, execFileSync, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, statfsSync } from 'node:fs'
import { join } from 'node:path'

const WRAPPER = '/usr/local/libexec/kind-action/runc-without-sys-resource'

export interface SecondDaemon {
  netns: string
  dir: string
  socket: string
  host: string
  /** The data root (on the loop filesystem). */
  dataRoot: string
  /**
   * Steps run under this prefix: in the daemon's network namespace. nsenter, not `ip netns exec`, which
   * also remounts /sys and so hides /sys/fs/cgroup (dockerd then finds no cgroups).
   */
  prefix: string[]
}

function run(file: string, args: string[]): string {
  return execFileSync(file, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
}
function tryRun(file: string, args: string[]): void {
  try {
    run(file, args)
  } catch {
    /* already gone */
  }
}

let child: ChildProcess | undefined

/** Makes the namespace and the loop filesystem (sizeGiB) and starts the daemon. */
export async function startSecondDaemon(name: string, sizeGiB: number): Promise<SecondDaemon> {
  const dir = `/tmp/${name}`
  const d: SecondDaemon = {
    netns: name,
    dir,
    socket: join(dir, 'docker.sock'),
    host: `unix://${join(dir, 'docker.sock')}`,
    dataRoot: join(dir, 'data'),
    prefix: ['nsenter', `--net=/run/netns/${name}`]
  }
  removeSecondDaemonLeftovers(d)
  mkdirSync(d.dataRoot, { recursive: true })
  run('ip', ['netns', 'add', name])
  run('ip', ['netns', 'exec', name, 'ip', 'link', 'set', 'lo', 'up'])
  run('truncate', ['-s', `${sizeGiB}G`, join(dir, 'disk.img')])
  run('mkfs.ext4', ['-q', '-F', '-m', '0', join(dir, 'disk.img')])
  run('mount', ['-o', 'loop', join(dir, 'disk.img'), d.dataRoot])
  await restartSecondDaemon(d)
  return d
}

/** Starts dockerd (again) and waits until it answers. */
export async function restartSecondDaemon(d: SecondDaemon): Promise<void> {
  const log = openSync(join(d.dir, 'dockerd.log'), 'a')
  child = spawn('nsenter', [
    `--net=/run/netns/${d.netns}`, 'dockerd',
    '--data-root', d.dataRoot, '--exec-root', join(d.dir, 'exec'), '--pidfile', join(d.dir, 'dockerd.pid'),
    '-H', d.host, '--bridge=none', '--containerd-namespace', d.netns, '--containerd-plugins-namespace', `${d.netns}-plugins`,
    '--add-runtime', `kind-action-runc=${WRAPPER}`, '--default-runtime', 'kind-action-runc'
  ], { stdio: ['ignore', log, log], detached: true })
  const deadline = Date.now() + 60_000
  while (Date.now() < deadline) {
    try {
      run('docker', ['-H', d.host, 'version', '-f', '{{.Server.Version}}'])
      return
    } catch {
      if (child.exitCode !== null) break
      await new Promise(r => setTimeout(r, 300))
    }
  }
  throw new Error(`the second dockerd did not answer: ${readFileSync(join(d.dir, 'dockerd.log'), 'utf8').slice(-3000)}`)
}

/** SIGTERM to dockerd and wait for it to exit (its containers die with it: no live-restore). */
export async function stopSecondDaemon(): Promise<void> {
  const c = child
  if (!c || c.exitCode !== null || c.signalCode !== null) return
  const exited = new Promise<void>(resolve => c.once('exit', () => resolve()))
  c.kill('SIGTERM')
  const timer = setTimeout(() => c.kill('SIGKILL'), 30_000)
  await exited
  clearTimeout(timer)
}

/** Loads a host image into the second daemon (docker save | docker load); returns the seconds it took. */
export function loadImage(d: SecondDaemon, image: string): number {
  const started = Date.now()
  execFileSync('bash', ['-o', 'pipefail', '-c', `docker save "$0" | docker -H "$1" load -q`, image, d.host], { stdio: ['ignore', 'ignore', 'pipe'] })
  return (Date.now() - started) / 1000
}

/** Fills the data root's filesystem until `leaveBytes` are free; returns the filler's path. */
export function fillDisk(d: SecondDaemon, leaveBytes: number): string {
  const filler = join(d.dataRoot, 'filler')
  const s = statfsSync(d.dataRoot)
  const free = s.bavail * s.bsize
  run('fallocate', ['-l', String(Math.max(0, free - leaveBytes)), filler])
  return filler
}

export function freeBytes(d: SecondDaemon): number {
  const s = statfsSync(d.dataRoot)
  return s.bavail * s.bsize
}

/** Removes everything: daemon, mount, loop device (mount -o loop frees it on umount), netns, files. */
export async function removeSecondDaemon(d: SecondDaemon): Promise<void> {
  await stopSecondDaemon()
  removeSecondDaemonLeftovers(d)
}

function removeSecondDaemonLeftovers(d: SecondDaemon): void {
  const pidfile = join(d.dir, 'dockerd.pid')
  if (existsSync(pidfile)) {
    const pid = Number(readFileSync(pidfile, 'utf8').trim())
    // Only the dockerd this module started in an earlier run of this file: its pidfile is ours.
    if (pid > 0 && existsSync(`/proc/${pid}`) && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(d.dataRoot)) {
      tryRun('kill', ['-KILL', String(pid)])
    }
  }
  // Containerd shims of its containers, if dockerd died without stopping them.
  tryRun('umount', ['-l', join(d.dir, 'exec')])
  tryRun('umount', ['-l', d.dataRoot])
  tryRun('ip', ['netns', 'delete', d.netns])
  for (const line of (() => { try { return run('losetup', ['-j', join(d.dir, 'disk.img')]) } catch { return '' } })().split('\n')) {
    const dev = line.split(':')[0]
    if (dev) tryRun('losetup', ['-d', dev])
  }
  rmSync(d.dir, { recursive: true, force: true })
}
