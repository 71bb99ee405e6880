// The real registry image built by hack/images/build-registry.sh (distribution v3, tagged as
// helm/kind-action's default registry_image), and what the registry tests need around it.
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createServer, type AddressInfo } from 'node:net'
import { join } from 'node:path'

const repoRoot = join(import.meta.dirname, '..', '..')

/** REGISTRY_IMAGE of hack/images/versions.env. */
export const REGISTRY_IMAGE = readFileSync(join(repoRoot, 'hack', 'images', 'versions.env'), 'utf8').match(/^REGISTRY_IMAGE=(\S+)/m)?.[1] ?? 'registry:2'

/** The registry image, built (cached) when it is not on the Docker host yet. */
export function ensureRegistryImage(): string {
  try {
    execFileSync('docker', ['image', 'inspect', REGISTRY_IMAGE], { stdio: 'ignore' })
  } catch {
    execFileSync(join(repoRoot, 'hack', 'images', 'build-registry.sh'), { stdio: ['ignore', 'ignore', 'inherit'] })
  }
  return REGISTRY_IMAGE
}

/** One bcrypt htpasswd line, made by the htpasswd the registry image carries. */
export function htpasswdLine(user: string, password: string): string {
  return execFileSync('docker', ['run', '--rm', '--entrypoint', 'htpasswd', REGISTRY_IMAGE, user, password]).toString()
}

/** A port free on 127.0.0.1 right now. */
export async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise(resolve => server.close(resolve))
  return port
}

/** Waits until GET http://<host>/v2/ answers (200, or 401 with authentication on). */
export async function waitForRegistry(host: string, timeoutMs = 20_000): Promise<number> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    try {
      return (await fetch(`http://${host}/v2/`)).status
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`registry ${host} does not answer: ${(error as Error).message}`)
      await new Promise(resolve => setTimeout(resolve, 200))
    }
  }
}

/** A one-file image made locally (docker import: no base image needed), tagged `ref`. */
export function importTinyImage(ref: string, content: string): void {
  execFileSync('sh', ['-c', `d=$(mktemp -d) && printf '%s' "$1" > "$d/hello" && tar -C "$d" -c hello | docker import - "$2" >/dev/null && rm -rf "$d"`, 'import', content, ref])
}
