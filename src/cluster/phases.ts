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
  /** The signal that cancelled the step (the runner cancelled the job), when that is what stopped it. */
  cancelled?: string
}

export interface PhaseTiming {
  phase: string
  seconds: number
}

export class Phases {
  readonly timings: PhaseTiming[] = []
  /** Phases running now, in the order they started (a phase may run inside or beside another). */
  readonly #running: string[] = []

  constructor(private readonly reporter: Reporter) {}

  /**
   * The phase the creation is in now: the innermost phase still running, with the others running
   * beside it (a cancellation names them all). Undefined between phases.
   */
  current(): string | undefined {
    if (this.#running.length === 0) return undefined
    // The last started is the innermost; those started before it and still running are its parents
    // (a group) or ran beside it. Parents are left out: they only say "somewhere in here".
    const innermost = this.#running[this.#running.length - 1]
    const beside = this.#running.slice(0, -1).filter(p => !this.#parents.has(p))
    return [...beside, innermost].join(', ')
  }

  readonly #parents = new Set<string>()
  #runningAtFirstFailure: string | undefined

  /**
   * The phases that were running when the first one failed. The phase a failure is reported in is the one
   * whose error came out first, which can be an outer one; a cause that stopped everything at once (the
   * Docker Engine going away) is better placed by what was running.
   */
  get runningAtFirstFailure(): string | undefined {
    return this.#runningAtFirstFailure
  }

  /** Runs a phase in its own log group; concurrent phases should use `timed` to avoid interleaved groups. */
  async group<T>(phase: string, fn: () => Promise<T>): Promise<T> {
    this.#parents.add(phase)
    try {
      return await this.reporter.group(phase, () => this.timed(phase, fn))
    } finally {
      this.#parents.delete(phase)
    }
  }

  async timed<T>(phase: string, fn: () => Promise<T>): Promise<T> {
    const start = performance.now()
    this.#running.push(phase)
    try {
      return await fn()
    } catch (error) {
      this.#runningAtFirstFailure ??= this.current()
      throw error instanceof PhaseError ? error : new PhaseError(phase, error)
    } finally {
      this.#running.splice(this.#running.lastIndexOf(phase), 1)
      const seconds = Math.round((performance.now() - start) / 10) / 100
      this.timings.push({ phase, seconds })
      this.reporter.info(`${phase}: ${seconds.toFixed(2)} s`)
    }
  }
}
