// `kind export logs [dir]` and `kind export kubeconfig`. The logs directory is the program's output
// (stdout), for `dir=$(kind export logs)`; what it is doing goes to stderr.
import { mkdtempSync } from 'node:fs'
import { join } from 'node:path'
import { readClusterKubeconfig } from '../../cluster/cluster-kubeconfig.js'
import { kubeconfigContext } from '../../cluster/identity.js'
import { exportKubeconfig, resolveKubeconfigPath } from '../../cluster/kubeconfig.js'
import { exportLogs } from '../../logs/export.js'
import { clusterName, flag, type CliContext } from '../context.js'
import { listNodes } from './get.js'

export async function exportLogsCommand(c: CliContext): Promise<void> {
  const name = clusterName(c)
  if (!(await listNodes(c.docker, name)).length) throw new Error(`unknown cluster ${JSON.stringify(name)}`)
  // kind's fs.TempDir("", ""): a new directory in the system's temp dir.
  const dir = c.parsed.args[0] ?? mkdtempSync(join(c.tmpdir, 'kind-logs-'))
  c.log.info(`Exporting logs for cluster ${JSON.stringify(name)} to:`)
  c.io.out(`${dir}\n`)
  const result = await exportLogs({ docker: c.docker, clusterName: name, dir })
  for (const note of result.notes) c.log.info(note, 1)
  // Our bundle has more in it than kind's (the cluster view); what could not be had is listed in
  // errors.txt and is no reason to fail a step that usually runs after a failure already.
  if (result.errors.length) c.log.warn(`${result.errors.length} item(s) could not be collected; see ${join(dir, 'errors.txt')}`)
}

export async function exportKubeconfigCommand(c: CliContext): Promise<void> {
  const name = clusterName(c)
  const doc = await readClusterKubeconfig(c.docker, name, flag<boolean>(c, 'internal'))
  await exportKubeconfig(resolveKubeconfigPath(flag<string>(c, 'kubeconfig'), c.env.KUBECONFIG, c.home), doc)
  c.log.info(`Set kubectl context to ${JSON.stringify(kubeconfigContext(name))}`)
}
