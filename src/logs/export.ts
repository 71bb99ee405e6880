// The log bundle of a cluster: what `kind export logs` writes (kind-spec §6.1), file for file, plus a
// cluster view asked of the API server. Collected concurrently across nodes, bounded in size, and never
// failing as a whole: a node that is gone or an API server that is dead still leaves everything else,
// and errors.txt says what could not be had.
import { mkdir, readdir, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { DockerPort } from '../docker/port.js'
import { clusterView, nodeKubectl, type NotReadyPod } from './cluster-view.js'
import { capText, DEFAULT_LIMITS, formatBytes, type LogLimits } from './limits.js'
import { capture, deadline, discard, lastLines, limiter } from './node-command.js'
import { findClusterNodes, type ClusterNode } from './nodes.js'
import { extractTar } from './tar.js'
import { ACTION_VERSION } from './version.js'

/** kind's command: dereference links, and accept exit code 1 ("file changed as we read it"). */
export const VAR_LOG_TAR = ['sh', '-c', 'tar --hard-dereference -C /var/log/ -chf - . || (r=$?; [ $r -eq 1 ] || exit $r)']

/** Per node, the files kind writes from a command run inside the node. */
const NODE_COMMANDS: { file: string; command: string[] }[] = [
  { file: 'kubernetes-version.txt', command: ['cat', '/kind/version'] },
  { file: 'journal.log', command: ['journalctl', '--no-pager'] },
  { file: 'kubelet.log', command: ['journalctl', '--no-pager', '-u', 'kubelet.service'] },
  { file: 'containerd.log', command: ['journalctl', '--no-pager', '-u', 'containerd.service'] },
  { file: 'images.log', command: ['crictl', 'images'] }
]

/** Directory of the cluster view; no node can have this name (nodes are <cluster>-<role>[N]). */
export const CLUSTER_VIEW_DIR = 'cluster-view'

export interface ExportOptions {
  docker: DockerPort
  clusterName: string
  dir: string
  limits?: Partial<LogLimits>
  /** Labels the node containers must also carry (the post step's owner label); none for kind's behaviour. */
  labels?: Record<string, string>
}

export interface ExportResult {
  dir: string
  clusterName: string
  /** Internal nodes found (collected or not). */
  nodes: string[]
  files: number
  bytes: number
  /** What could not be collected; also written to errors.txt. */
  errors: string[]
  /** Facts worth a line in the log but no error: files truncated, entries skipped. */
  notes: string[]
  notReadyPods: NotReadyPod[]
  /** True when the API server answered the cluster view's first question. */
  apiServerAnswered: boolean
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

async function walk(dir: string): Promise<{ files: number; bytes: number }> {
  let files = 0
  let bytes = 0
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) {
      const sub = await walk(path)
      files += sub.files
      bytes += sub.bytes
    } else if (entry.isFile()) {
      files++
      bytes += (await stat(path)).size
    }
  }
  return { files, bytes }
}

export async function exportLogs(options: ExportOptions): Promise<ExportResult> {
  const { docker, clusterName, dir } = options
  const limits: LogLimits = { ...DEFAULT_LIMITS, ...options.limits }
  const slot = limiter(limits.concurrency)
  const result: ExportResult = {
    dir,
    clusterName,
    nodes: [],
    files: 0,
    bytes: 0,
    errors: [],
    notes: [],
    notReadyPods: [],
    apiServerAnswered: false
  }
  /** Runs one collection; its failure becomes a line of errors.txt. */
  const attempt = async (what: string, fn: () => Promise<void>): Promise<void> => {
    try {
      await fn()
    } catch (error) {
      result.errors.push(`${what}: ${message(error)}`)
    }
  }
  await mkdir(dir, { recursive: true })

  const tasks: Promise<void>[] = [
    attempt('kind-version.txt', () =>
      writeFile(
        join(dir, 'kind-version.txt'),
        // kind writes its own version here; this bundle was made by the action, so it says so.
        `kind-action v${ACTION_VERSION} (not the kind CLI: collected through the Docker Engine API) node ${process.version} ${process.platform}/${process.arch}\n`
      )
    ),
    attempt('docker-info.txt', async () => {
      const info = await docker.info()
      // kind runs `docker info`; the Engine API gives the same facts as the JSON document below.
      await writeFile(join(dir, 'docker-info.txt'), `# docker info (GET /info of the Docker Engine API)\n${JSON.stringify(info.raw, null, 2)}\n`)
    })
  ]

  let found: { nodes: ClusterNode[]; bootstrap?: ClusterNode } | undefined
  try {
    found = await findClusterNodes(docker, clusterName, options.labels)
  } catch (error) {
    result.errors.push(`listing the nodes of cluster "${clusterName}": ${message(error)}`)
  }
  found ??= { nodes: [] }
  result.nodes = found.nodes.map(n => n.name)
  if (!found.nodes.length && !result.errors.some(e => e.startsWith('listing the nodes'))) {
    result.errors.push(`unknown cluster "${clusterName}": no node containers carry the label io.x-k8s.kind.cluster=${clusterName}`)
  }

  for (const node of found.nodes) tasks.push(collectNode(docker, node, join(dir, node.name), limits, slot, attempt, result))

  const bootstrap = found.bootstrap
  if (bootstrap?.running) {
    tasks.push(
      attempt('cluster view', async () => {
        const kubectl = nodeKubectl(docker, bootstrap.name, { maxBytes: limits.maxFileBytes, timeoutMs: limits.commandTimeoutMs })
        const view = await clusterView((args, call) => slot(() => kubectl(args, call)))
        const viewDir = join(dir, CLUSTER_VIEW_DIR)
        if (view.files.length) await mkdir(viewDir, { recursive: true })
        for (const file of view.files) await writeFile(join(viewDir, file.path), file.content)
        result.notReadyPods = view.notReadyPods
        result.apiServerAnswered = !view.errors.some(e => e.startsWith('the API server did not answer'))
        result.errors.push(...view.errors.map(e => `cluster view: ${e}`))
      })
    )
  } else if (bootstrap) {
    result.errors.push(`cluster view: the bootstrap control plane ${bootstrap.name} is not running (${bootstrap.state})`)
  }

  await Promise.all(tasks)
  if (result.errors.length) {
    result.errors.sort()
    await attempt('errors.txt', () => writeFile(join(dir, 'errors.txt'), result.errors.join('\n') + '\n'))
  }
  const totals = await walk(dir)
  result.files = totals.files
  result.bytes = totals.bytes
  return result
}

async function collectNode(
  docker: DockerPort,
  node: ClusterNode,
  nodeDir: string,
  limits: LogLimits,
  slot: ReturnType<typeof limiter>,
  attempt: (what: string, fn: () => Promise<void>) => Promise<void>,
  result: ExportResult
): Promise<void> {
  await mkdir(nodeDir, { recursive: true })
  const tasks: Promise<void>[] = [
    attempt(`${node.name}/inspect.json`, async () => {
      const info = await docker.inspectContainer(node.name)
      if (!info) throw new Error('the container is gone')
      // `docker inspect` prints an array, indented by four spaces.
      await writeFile(join(nodeDir, 'inspect.json'), JSON.stringify([info.raw], null, 4) + '\n')
    }),
    attempt(`${node.name}/serial.log`, async () => {
      await writeFile(join(nodeDir, 'serial.log'), capText(await docker.logs(node.name), limits.maxFileBytes))
    })
  ]
  if (!node.running) {
    result.errors.push(`${node.name}: the container is not running (${node.state}); only serial.log and inspect.json were collected`)
    await Promise.all(tasks)
    return
  }
  for (const { file, command } of NODE_COMMANDS) {
    tasks.push(
      attempt(`${node.name}/${file}`, () =>
        slot(async () => {
          const out = await capture(docker, node.name, command, { maxBytes: limits.maxFileBytes, timeoutMs: limits.commandTimeoutMs })
          await writeFile(join(nodeDir, file), out.output)
          if (out.exitCode !== 0) throw new Error(`${command.join(' ')} exited with code ${out.exitCode}: ${out.stderr || 'no output'}`)
        })
      )
    )
  }
  tasks.push(attempt(`${node.name}/var/log`, () => slot(() => collectVarLog(docker, node.name, nodeDir, limits, result))))
  await Promise.all(tasks)
}

/** /var/log of a node, unpacked into the node's directory as kind does (so `pods/` sits beside journal.log). */
async function collectVarLog(docker: DockerPort, node: string, nodeDir: string, limits: LogLimits, result: ExportResult): Promise<void> {
  const { stdout, done } = await docker.execStream(node, VAR_LOG_TAR, { privileged: true })
  stdout.on('error', () => undefined)
  // Awaited below unless the extraction fails first; a late failure of the exec then has nobody to tell.
  done.catch(() => undefined)
  const timer = deadline(limits.commandTimeoutMs, () => {
    // Ends the extraction: the reader sees the stream fail and stops.
    stdout.destroy(new Error(`tar of /var/log did not finish within ${Math.round(limits.commandTimeoutMs / 1000)} s`))
    discard(stdout)
    return new Error('timed out')
  })
  try {
    const report = await Promise.race([
      extractTar(stdout, nodeDir, { maxFileBytes: limits.maxFileBytes, maxTotalBytes: limits.maxVarLogBytes }),
      timer.promise
    ])
    const exit = await Promise.race([done, timer.promise])
    for (const name of report.refused) result.errors.push(`${node}/var/log: refused entry ${JSON.stringify(name)} (absolute or climbing out with ..)`)
    if (report.truncated.length) {
      result.notes.push(`${node}/var/log: kept only the last ${formatBytes(limits.maxFileBytes)} of ${report.truncated.join(', ')}`)
    }
    if (report.skipped.length) result.notes.push(`${node}/var/log: skipped ${report.skipped.join('; ')}`)
    if (exit.exitCode !== 0) {
      throw new Error(`tar exited with code ${exit.exitCode} (kept the ${report.files} files it sent): ${lastLines(exit.stderr, 5) || 'no output'}`)
    }
    // Even an empty /var/log makes GNU tar send its end-of-archive blocks; nothing at all means the tar
    // failed in a way kind's exit-code rule lets through (exit 1, e.g. a tar that lacks these flags).
    if (report.files === 0 && report.directories === 0) {
      throw new Error(`tar sent no archive: ${lastLines(exit.stderr, 5) || 'no output'}`)
    }
    if (exit.stderr.trim()) result.notes.push(`${node}/var/log: tar said: ${lastLines(exit.stderr, 3)}`)
  } finally {
    timer.clear()
  }
}
