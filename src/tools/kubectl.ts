// kubectl on the runner's PATH. By default the node image's own kubectl, copied out of the node, so it
// always matches the cluster and needs no download; or a release downloaded with its checksum checked.
import * as core from '@actions/core'
import * as tc from '@actions/tool-cache'
import { createHash } from 'node:crypto'
import { createReadStream, chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { extractTar } from '../archive/tar.js'
import type { DockerPort } from '../docker/port.js'

const DEFAULT_RELEASE_URL = 'https://dl.k8s.io/release'

function arch(): string {
  return process.arch === 'arm64' ? 'arm64' : 'amd64'
}

async function sha256(path: string): Promise<string> {
  const hash = createHash('sha256')
  await pipeline(createReadStream(path), hash)
  return hash.digest('hex')
}

/** A kubectl of this version already in the runner's tool cache, put on PATH; its path, if any. */
function fromToolCache(version: string): string | undefined {
  const dir = tc.find('kubectl', version.replace(/^v/, ''), arch())
  if (!dir) return undefined
  core.addPath(dir)
  return join(dir, 'kubectl')
}

async function installFile(file: string, version: string): Promise<string> {
  chmodSync(file, 0o755)
  const dir = await tc.cacheFile(file, 'kubectl', 'kubectl', version.replace(/^v/, ''), arch())
  core.addPath(dir)
  return join(dir, 'kubectl')
}

/**
 * Copies /usr/bin/kubectl out of a node and puts it on PATH; returns its path. The Engine reads the file
 * from the container's filesystem (`docker cp`), so this works as soon as the node is created, and runs
 * nothing in it while its control plane starts.
 */
export async function installKubectlFromNode(docker: DockerPort, node: string, kubernetesVersion: string): Promise<string> {
  const cached = fromToolCache(kubernetesVersion)
  if (cached) return cached
  const temp = process.env.RUNNER_TEMP || tmpdir()
  mkdirSync(temp, { recursive: true })
  const dir = mkdtempSync(join(temp, 'kubectl-'))
  try {
    await extractTar(await docker.copyFromContainer(node, '/usr/bin/kubectl'), dir)
  } catch (error) {
    throw new Error(`copying /usr/bin/kubectl out of ${node}: ${(error as Error).message}`)
  }
  const file = join(dir, 'kubectl')
  if (!existsSync(file)) throw new Error(`copying /usr/bin/kubectl out of ${node}: the archive holds no file named kubectl`)
  return installFile(file, kubernetesVersion)
}

/** Downloads a kubectl release, checks it against the published SHA-256, and puts it on PATH. */
export async function installKubectlRelease(version: string): Promise<string> {
  const cached = fromToolCache(version)
  if (cached) return cached
  const base = process.env.KIND_ACTION_KUBECTL_RELEASE_URL || DEFAULT_RELEASE_URL
  const url = `${base}/${version}/bin/linux/${arch()}/kubectl`
  let binary: string
  let checksumFile: string
  try {
    ;[binary, checksumFile] = await Promise.all([tc.downloadTool(url), tc.downloadTool(`${url}.sha256`)])
  } catch (error) {
    throw new Error(`kubectl_version: ${version} could not be downloaded from ${url}: ${(error as Error).message}`)
  }
  const expected = readFileSync(checksumFile, 'utf8').trim().split(/\s+/)[0]
  const actual = await sha256(binary)
  if (expected !== actual) {
    throw new Error(`kubectl_version: the download of ${url} has SHA-256 ${actual}, but the release publishes ${expected}`)
  }
  return installFile(binary, version)
}
