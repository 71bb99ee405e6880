// A runner cancels a job by signalling the step: SIGINT, then SIGTERM, then SIGKILL a few seconds
// later. Node's default on SIGINT/SIGTERM is to die without a word; the main step instead says it was
// cancelled and in which phase, records that for the post step (which cleans up and reports), and
// exits at once with the shell's code for the signal. Nothing is awaited here: the next signal may be
// SIGKILL, and in-flight Docker work is the post step's to undo.

export type CancelSignal = 'SIGINT' | 'SIGTERM'

/** 128 + the signal's number, as a shell reports a process killed by it. */
export const CANCEL_EXIT_CODES: Record<CancelSignal, number> = { SIGINT: 130, SIGTERM: 143 }

export interface Cancellation {
  signal: CancelSignal
  /** The phase the step was in when the signal came. */
  phase: string
  /** One line for the error annotation and the job summary. */
  message: string
}

export function describeCancellation(signal: CancelSignal, phase: string): Cancellation {
  return { signal, phase, message: `cancelled (${signal}) during ${phase}` }
}

/** The part of `process` this module uses (a test passes its own). */
export interface SignalTarget {
  on(signal: CancelSignal, listener: () => void): unknown
  off(signal: CancelSignal, listener: () => void): unknown
  exit(code: number): never
}

/**
 * Until the returned function is called, SIGINT and SIGTERM run `onCancel` (synchronously: it must
 * only log and save state) and then exit with 130 or 143. A signal during `onCancel`'s own failure
 * still exits.
 */
export function onCancellation(
  currentPhase: () => string,
  onCancel: (cancellation: Cancellation) => void,
  target: SignalTarget = process as unknown as SignalTarget
): () => void {
  let handled = false
  const listeners = (['SIGINT', 'SIGTERM'] as const).map(signal => {
    const listener = (): void => {
      // The runner's SIGTERM after its SIGINT: the first one is already being handled.
      if (handled) return
      handled = true
      try {
        onCancel(describeCancellation(signal, currentPhase()))
      } finally {
        target.exit(CANCEL_EXIT_CODES[signal])
      }
    }
    target.on(signal, listener)
    return [signal, listener] as const
  })
  return () => {
    for (const [signal, listener] of listeners) target.off(signal, listener)
  }
}
