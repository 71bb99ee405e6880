// logs_dir checked in the main step, before any container exists: the bundle is written only in the
// post step, and finding then that logs_dir cannot hold it would lose the logs of a failed creation.
import { existsSync, statSync } from 'node:fs'
import { dirname, resolve } from 'node:path'

/** Why logs_dir cannot hold the bundle, if that can be told early: something other than a directory is there. */
export function logsDirPathProblem(logsDir: string, cwd: string): string | undefined {
  const dir = resolve(cwd, logsDir)
  let at = dir
  while (!existsSync(at) && dirname(at) !== at) at = dirname(at)
  if (statSync(at).isDirectory()) return undefined
  const where = at === dir ? `${logsDir} is a file` : `${at} (on the way to ${logsDir}) is a file`
  return `${where}; name a directory for the log bundle`
}
