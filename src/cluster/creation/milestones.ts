// Points in a creation that actions reach and speed-ups wait for. A milestone is reached once, with a
// value, or fails; waiting on one that failed never counts as an unhandled rejection.

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
  return {
    reached,
    reach,
    fail,
    whenReached: work => void reached.then(work, () => undefined)
  }
}

/** Settles the milestone as the promise does. */
export function follow<T>(target: Milestone<T>, source: Promise<T>): void {
  source.then(target.reach, target.fail)
}

/** One milestone per node name, made on first use. */
export class PerNode<T = void> {
  private readonly byName = new Map<string, Milestone<T>>()
  of(node: string): Milestone<T> {
    let found = this.byName.get(node)
    if (!found) this.byName.set(node, (found = milestone<T>()))
    return found
  }
}
