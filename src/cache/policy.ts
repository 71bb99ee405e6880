// When to use the image cache. Pure decisions, so they are table-tested.
//
// The rule for `auto` (why: users report `docker load` from a cache losing to `docker pull`, and which
// one wins depends on the image, the registry's mood and the runner, so it has to be measured):
// 1. No entry for the image: pull it, and post saves it together with how long that pull took.
// 2. An entry exists: restore it (download + extract + `docker load`) and time that. If the restore took
//    longer than the pull the entry recorded (plus a margin for noise), post saves a tiny "verdict" entry
//    for that image and the current ISO week.
// 3. A verdict for this week exists (one lookup, no download): pull instead, and save nothing.
//    The verdict's key carries the week, so the next week's first run measures the cache again:
//    a slow cache costs at most one slow restore a week, and a cache that became faster is found again.
// `true` always restores when it can and saves on a miss; `false` never touches the cache.

/** The `cache` input's values. */
export type CachePolicy = 'auto' | 'true' | 'false'

/** A restore counts as slower only past this factor and this many seconds, both for measurement noise. */
export const SLOWER_FACTOR = 1.1
export const SLOWER_GRACE_SECONDS = 1

export type RestorePlan =
  | { action: 'pull'; reason: 'disabled' | 'unavailable' | 'pull-faster' }
  | { action: 'restore'; checkVerdict: boolean }

/** What to do for an image the host lacks, before any lookup. */
export function planRestore(policy: CachePolicy, serviceAvailable: boolean): RestorePlan {
  if (policy === 'false') return { action: 'pull', reason: 'disabled' }
  if (!serviceAvailable) return { action: 'pull', reason: 'unavailable' }
  return { action: 'restore', checkVerdict: policy === 'auto' }
}

/** After a verdict lookup: a verdict for this week means pull. */
export function afterVerdict(found: boolean): RestorePlan {
  return found ? { action: 'pull', reason: 'pull-faster' } : { action: 'restore', checkVerdict: false }
}

/** Whether a restore lost to the pull it replaces. */
export function restoreWasSlower(restoreSeconds: number, pullSeconds: number): boolean {
  return restoreSeconds > pullSeconds * SLOWER_FACTOR + SLOWER_GRACE_SECONDS
}

/** Whether post should record a verdict after a restore. `true` users asked for the cache regardless. */
export function shouldRecordVerdict(policy: CachePolicy, restoreSeconds: number, pullSeconds: number): boolean {
  return policy === 'auto' && restoreWasSlower(restoreSeconds, pullSeconds)
}

/** Whether post should save a pulled image: only after a miss, never when the cache was skipped as slower. */
export function shouldSave(policy: CachePolicy, outcome: 'hit' | 'miss' | 'pull-faster' | 'unavailable' | 'disabled' | 'error'): boolean {
  if (policy === 'false') return false
  // After a failed restore (corrupt entry, load error) the entry is there: saving would be refused anyway.
  return outcome === 'miss'
}
