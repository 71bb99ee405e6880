// kind runs its actions one after another. Pipelined, each action starts at once and waits only for the
// milestones it needs; strict (the pipelined-creation speed-up off), each waits for the one before.
import { settleAll } from '../settle.js'

export interface ActionOrder {
  /** Runs the action in its turn; its promise never counts as an unhandled rejection. */
  turn<T>(action: () => Promise<T>): Promise<T>
  /** Waits for every action taken, then fails with the first failure in turn order. */
  settled(): Promise<void>
}

export function actionOrder(strict: boolean): ActionOrder {
  let previous: Promise<unknown> = Promise.resolve()
  const taken: Promise<unknown>[] = []
  return {
    turn: action => {
      const running = strict ? previous.then(action) : action()
      previous = running
      taken.push(running)
      running.catch(() => undefined)
      return running
    },
    settled: async () => {
      await settleAll(taken)
    }
  }
}
