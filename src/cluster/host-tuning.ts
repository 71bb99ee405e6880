// Host limits that Kubernetes in Docker runs into. Every node runs systemd, containerd and kubelet, each
// with inotify instances; the kernel default of 128 per user is exhausted by a few nodes, and then
// containerd's CRI plugin fails to load ("failed to create fsnotify watcher: too many open files")
// and kubeadm init times out. kind documents raising these limits by hand; we do it when we can.
import { execFile } from 'node:child_process'
import { readFile, writeFile } from 'node:fs/promises'
import { promisify } from 'node:util'

const run = promisify(execFile)

/** kind's recommended values (known issues: "Pod errors due to too many open files"). */
export const INOTIFY_LIMITS: Record<string, number> = {
  'fs.inotify.max_user_instances': 512,
  'fs.inotify.max_user_watches': 524288
}

export interface TuningResult {
  raised: string[]
  /** Limits below the recommendation that could not be raised (no root, no passwordless sudo). */
  tooLow: string[]
}

function procPath(key: string): string {
  return `/proc/sys/${key.replace(/\./g, '/')}`
}

export async function raiseInotifyLimits(limits = INOTIFY_LIMITS): Promise<TuningResult> {
  const result: TuningResult = { raised: [], tooLow: [] }
  for (const [key, wanted] of Object.entries(limits)) {
    let current: number
    try {
      current = Number((await readFile(procPath(key), 'utf8')).trim())
    } catch {
      continue // not Linux, or not visible here: nothing to tune
    }
    if (current >= wanted) continue
    try {
      await writeFile(procPath(key), String(wanted))
      result.raised.push(`${key} ${current} → ${wanted}`)
      continue
    } catch {
      // not root: GitHub-hosted runners have passwordless sudo
    }
    try {
      await run('sudo', ['-n', 'sysctl', '-w', `${key}=${wanted}`])
      result.raised.push(`${key} ${current} → ${wanted}`)
    } catch {
      result.tooLow.push(`${key} is ${current} (kind recommends ${wanted})`)
    }
  }
  return result
}
