// Shared helpers for tests that talk to the real Docker Engine.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, mkdirSync, copyFileSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'

/** A tiny local image (busybox-static imported as a rootfs): no registry is reachable here. */
export const BUSYBOX_IMAGE = 'kind-action-test/busybox:local'

export function uniqueName(prefix: string): string {
  return `kat-${prefix}-${randomBytes(3).toString('hex')}`
}

export async function ensureBusyboxImage(): Promise<void> {
  try {
    execFileSync('docker', ['image', 'inspect', BUSYBOX_IMAGE], { stdio: 'ignore' })
    return
  } catch {
    // build it below
  }
  const root = mkdtempSync(join(tmpdir(), 'busybox-root-'))
  mkdirSync(join(root, 'bin'))
  copyFileSync('/bin/busybox', join(root, 'bin', 'busybox'))
  for (const applet of ['sh', 'sleep', 'cat', 'ls', 'echo', 'wc', 'mkdir', 'cp', 'kill', 'tar', 'rm', 'true', 'env']) {
    symlinkSync('busybox', join(root, 'bin', applet))
  }
  execFileSync('sh', ['-c', `tar -C '${root}' -c . | docker import -c 'ENV PATH=/bin' - ${BUSYBOX_IMAGE}`])
}
