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

export interface Signal {
  promise: Promise<void>
  resolve(): void
  reject(error: unknown): void
}

/** A promise settled from outside; its rejection is not reported as unhandled while nobody waits on it. */
export function signal(): Signal {
  let resolve!: () => void
  let reject!: (error: unknown) => void
  const promise = new Promise<void>((res, rej) => {
    resolve = res
    reject = rej
  })
  promise.catch(() => undefined)
  return { promise, resolve, reject }
}
