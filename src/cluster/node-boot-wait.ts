// How long a node's systemd may take to boot: kind's readiness line within a minute on any real runner,
// but far longer on a slow host (software emulation, a loaded machine), where a fixed wait would fail a
// cluster that was only slow. One environment variable, read by the main step and our kind CLI alike.
import { parseDuration } from '../duration.js'

export const NODE_BOOT_WAIT_VARIABLE = 'KIND_ACTION_NODE_BOOT_WAIT'
export const DEFAULT_NODE_BOOT_WAIT_MS = 60_000

/** Unset or "": the default; otherwise a duration as the wait input takes it (90s, 5m, 1m30s, 120). */
export function parseNodeBootWait(value: string | undefined): number {
  const text = (value ?? '').trim()
  if (text === '') return DEFAULT_NODE_BOOT_WAIT_MS
  const ms = parseDuration(text)
  if (ms === undefined || ms <= 0) {
    throw new Error(`${NODE_BOOT_WAIT_VARIABLE}="${text}": not a duration above zero; write it as 90s, 5m or 1m30s (unset: ${DEFAULT_NODE_BOOT_WAIT_MS / 1000} s)`)
  }
  return ms
}
