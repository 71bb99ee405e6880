// Waiting on concurrent work without leaving any of it behind.

/**
 * Waits for every promise and then fails with the first error (in the order given), so that nothing
 * started is still running (creating a container, say) when the caller reports the failure and the post
 * step cleans up.
 */
export async function settleAll<T>(promises: Promise<T>[]): Promise<T[]> {
  const results = await Promise.allSettled(promises)
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')
  if (failed) throw failed.reason
  return results.map(r => (r as PromiseFulfilledResult<T>).value)
}

/**
 * A point that work reaches once, with a value, or fails. Waiting on one that failed never counts as an
 * unhandled rejection.
 */
export interface Milestone<T = void> {
  readonly reached: Promise<T>
  reach(value: T): void
  fail(error: unknown): void
  /** Runs the work once the milestone is reached; nothing, if it fails. */
  whenReached(work: (value: T) => void): void
}

export function milestone<T = void>(): Milestone<T> {
  let reach!: (value: T) => void
  let fail!: (error: unknown) => void
  const reached = new Promise<T>((resolve, reject) => {
    reach = resolve
    fail = reject
  })
  reached.catch(() => undefined)
  return { reached, reach, fail, whenReached: work => void reached.then(work, () => undefined) }
}
