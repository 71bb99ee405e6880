// The export-logs sub-action (`uses: <org>/kind-action/export-logs@v1`): writes the same bundle as the
// post step into a directory, mid-job, for users who upload it themselves or look at it in a later step.
// Bad inputs fail the step; whatever else goes wrong is a warning, since this typically runs in an
// `if: failure()` step that should add an explanation, not another failure.
import * as core from '@actions/core'
import { join, resolve } from 'node:path'
import { tmpdir } from 'node:os'
import { DockerodePort } from './docker/dockerode-port.js'
import type { DockerPort } from './docker/port.js'
import { CLUSTER_NAME } from './input-readers.js'
import { exportLogs } from './logs/export.js'
import { formatBytes } from './logs/limits.js'

export async function run(
  docker: DockerPort = new DockerodePort(),
  env: Record<string, string | undefined> = process.env,
  read: (name: string) => string = name => core.getInput(name)
): Promise<void> {
  const clusterName = read('cluster_name').trim() || 'kind'
  if (!CLUSTER_NAME.test(clusterName)) {
    core.setFailed(`cluster_name: "${clusterName}" may only contain lower-case letters, digits, "." and "-"`)
    return
  }
  const dirInput = read('dir').trim()
  const dir = dirInput
    ? resolve(env.GITHUB_WORKSPACE || process.cwd(), dirInput)
    : join(env.RUNNER_TEMP || tmpdir(), `kind-logs-${clusterName}`)
  try {
    const result = await core.group(`Exporting logs of cluster "${clusterName}"`, () => exportLogs({ docker, clusterName, dir }))
    core.info(`Wrote ${result.files} files, ${formatBytes(result.bytes)}, from node(s) ${result.nodes.join(', ') || 'none'} to ${dir}`)
    for (const note of result.notes) core.info(note)
    if (!result.nodes.length) core.warning(`cluster "${clusterName}" has no nodes: the bundle holds only docker-info.txt and errors.txt`)
    else if (result.errors.length) core.warning(`${result.errors.length} item(s) could not be collected; see ${join(dir, 'errors.txt')}`)
    core.setOutput('dir', dir)
  } catch (error) {
    // exportLogs records its problems rather than throwing; this is the directory itself failing.
    core.warning(`export-logs: ${(error as Error).message}`)
    core.setOutput('dir', dir)
  }
}
