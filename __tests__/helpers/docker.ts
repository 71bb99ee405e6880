// Shared helpers for tests that talk to the real Docker Engine.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, mkdirSync, copyFileSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'

/** A tiny local image (busybox-static imported as a rootfs): no registry is reachable here. */
export const BUSYBOX_IMAGE = 'kind-action-test/busybox:v2'

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
  const applets = execFileSync('/bin/busybox', ['--list']).toString().split('\n').filter(a => a && a !== 'busybox')
  for (const applet of applets) symlinkSync('busybox', join(root, 'bin', applet))
  execFileSync('sh', ['-c', `tar -C '${root}' -c . | docker import -c 'ENV PATH=/bin' - ${BUSYBOX_IMAGE}`])
}
