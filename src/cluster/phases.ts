// Named, timed phases of cluster creation. A failure is wrapped in a PhaseError so that the step's
// error annotation and the job summary can name the phase that failed.
export interface Reporter {
  info(message: string): void
  warning(message: string): void
  /** Runs fn inside a collapsible log group (core.group on a runner). */
  group<T>(title: string, fn: () => Promise<T>): Promise<T>
}

export const silentReporter: Reporter = {
  info: () => undefined,
  warning: () => undefined,
  group: (_title, fn) => fn()
}

export class PhaseError extends Error {
  constructor(
    readonly phase: string,
    readonly cause: unknown
  ) {
    super(`${phase}: ${cause instanceof Error ? cause.message : String(cause)}`)
    this.name = 'PhaseError'
  }
}

/** A failed creation as state and the job summary keep it. */
export interface FailureInfo {
  phase: string
  message: string
  /** When a command in a node failed: the node, the command line and the last lines of its output. */
  node?: string
  command?: string
  outputTail?: string
}

export interface PhaseTiming {
  phase: string
  seconds: number
}

export class Phases {
  readonly timings: PhaseTiming[] = []

  constructor(private readonly reporter: Reporter) {}

  /** Runs a phase in its own log group; concurrent phases should use `timed` to avoid interleaved groups. */
  async group<T>(phase: string, fn: () => Promise<T>): Promise<T> {
    return this.reporter.group(phase, () => this.timed(phase, fn))
  }

  async timed<T>(phase: string, fn: () => Promise<T>): Promise<T> {
    const start = performance.now()
    try {
      return await fn()
    } catch (error) {
      throw error instanceof PhaseError ? error : new PhaseError(phase, error)
    } finally {
      const seconds = Math.round((performance.now() - start) / 10) / 100
      this.timings.push({ phase, seconds })
      this.reporter.info(`${phase}: ${seconds.toFixed(2)} s`)
    }
  }
}
