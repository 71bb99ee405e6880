// When the post step collects logs. The post step runs after every other step of the job, so it can
// know three things:
//   1. what the main step recorded: a failure (state.failure), or that it started creating and never
//      reached its end (state.creating without state.completed: it crashed, was cancelled or timed out);
//   2. nothing at all (no state, or a state it cannot read): then it cannot tell, and treats it as a
//      failure — a bundle too many is cheaper than a failure nobody can explain;
//   3. the job's status, which a JavaScript action is not told directly: action.yml passes
//      `${{ job.status }}` as the default of the internal input `job_status`, and the runner evaluates
//      input defaults again for the post step (actions/runner ActionRunner.RunAsync; actions/setup-java
//      uses the same for its post step), so a later step that failed — the user's tests — counts.
// `logs: on-failure` collects when any of these says failure (or cancelled); `always` and `never` mean
// what they say. Where `job_status` is empty (a runner that does not evaluate defaults, a local run),
// only 1 and 2 decide.
import type { FailureInfo } from '../cluster/phases.js'

/** The `logs` input's values. */
export type LogsPolicy = 'on-failure' | 'always' | 'never'

/** What the main step recorded about its own outcome (the step state carries it). */
export interface MainRecord {
  creating: boolean
  completed?: boolean
  failure?: FailureInfo
}

export interface LogsDecision {
  collect: boolean
  /** In words, for the log and the job summary. */
  reason: string
}

export function mainOutcome(state: MainRecord | undefined): 'succeeded' | 'failed' | 'incomplete' | 'unknown' | 'not started' {
  if (!state) return 'unknown'
  if (state.failure) return 'failed'
  if (!state.creating) return 'not started'
  return state.completed ? 'succeeded' : 'incomplete'
}

export function decideLogs(policy: LogsPolicy, state: MainRecord | undefined, jobStatus: string): LogsDecision {
  if (policy === 'never') return { collect: false, reason: 'logs is never' }
  if (policy === 'always') return { collect: true, reason: 'logs is always' }
  const outcome = mainOutcome(state)
  if (outcome === 'failed' && state?.failure?.cancelled) {
    return { collect: true, reason: `the main step was cancelled (${state.failure.cancelled}) in “${state.failure.phase}”` }
  }
  if (outcome === 'failed') return { collect: true, reason: `creating the cluster failed in “${state?.failure?.phase}”` }
  if (outcome === 'incomplete') return { collect: true, reason: 'the main step did not finish creating the cluster' }
  if (outcome === 'unknown') return { collect: true, reason: 'the main step left no readable state, so its outcome is unknown' }
  const status = jobStatus.trim().toLowerCase()
  if (status === 'failure' || status === 'cancelled') return { collect: true, reason: `the job's status is ${status}` }
  return {
    collect: false,
    reason: status ? `logs is on-failure and the job's status is ${status}` : 'logs is on-failure and nothing failed'
  }
}
