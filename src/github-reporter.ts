// The Reporter of the cluster code, on a GitHub runner: log lines, warnings and log groups.
import * as core from '@actions/core'
import type { Reporter } from './cluster/phases.js'

export const githubReporter: Reporter = {
  info: message => core.info(message),
  warning: message => core.warning(message),
  group: (title, fn) => core.group(title, fn)
}

/** Identifies this job's containers (runner facts), so the post step never touches someone else's. */
export function ownerId(env: Record<string, string | undefined> = process.env): string {
  const parts = [env.GITHUB_RUN_ID, env.GITHUB_RUN_ATTEMPT, env.GITHUB_JOB].filter(Boolean)
  return parts.length ? parts.join('.') : 'local'
}

export const OWNER_LABEL = 'io.github.kind-action.owner'
