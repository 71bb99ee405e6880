import type { ActionState } from '../../src/state.js'

/** A main-step state as saved right after validation (nothing created), with the fields a test changes. */
export function actionState(overrides: Partial<ActionState> = {}): ActionState {
  return {
    version: 1,
    clusterName: 'kind',
    owner: 'o',
    kubeconfigPath: '/k',
    cleanup: true,
    keepOnFailure: false,
    logs: 'on-failure',
    logsDir: '',
    creating: false,
    ...overrides
  }
}
