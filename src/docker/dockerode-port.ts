// The one adapter from the DockerPort to a Docker Engine, through dockerode.
import Docker from 'dockerode'
import { PassThrough, Readable } from 'node:stream'
import type {
  ContainerInfo,
  ContainerSpec,
  ContainerSummary,
  DockerInfo,
  DockerPort,
  ExecOptions,
  ExecResult,
  ImageInfo,
  NetworkInfo,
  NetworkSpec,
  RegistryAuth
} from './port.js'
import { engineStatus, isNotFound } from './port.js'

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk))
  return Buffer.concat(chunks)
}

function toInfo(raw: Docker.ContainerInspectInfo): ContainerInfo {
  const networks: ContainerInfo['networks'] = {}
  for (const [name, n] of Object.entries(raw.NetworkSettings?.Networks ?? {})) {
    networks[name] = { ipv4: n.IPAddress ?? '', ipv6: n.GlobalIPv6Address ?? '' }
  }
  const ports: ContainerInfo['ports'] = {}
  for (const [port, bindings] of Object.entries(raw.NetworkSettings?.Ports ?? {})) {
    ports[port] = (bindings ?? []).map(b => ({ HostIp: b.HostIp, HostPort: b.HostPort }))
  }
  return {
    id: raw.Id,
    name: raw.Name.replace(/^\//, ''),
    image: raw.Config.Image,
    running: raw.State.Running,
    labels: raw.Config.Labels ?? {},
    networks,
    ports,
    raw
  }
}

export class DockerodePort implements DockerPort {
  constructor(private readonly docker: Docker = new Docker()) {}

  async info(): Promise<DockerInfo> {
    const raw = await this.docker.info()
    const status: [string, string][] = raw.DriverStatus ?? []
    return {
      serverVersion: raw.ServerVersion ?? '',
      cgroupVersion: String(raw.CgroupVersion ?? ''),
      securityOptions: raw.SecurityOptions ?? [],
      driver: raw.Driver ?? '',
      backingFilesystem: status.find(([k]) => k === 'Backing Filesystem')?.[1] ?? '',
      operatingSystem: raw.OperatingSystem ?? '',
      cpus: typeof raw.NCPU === 'number' ? raw.NCPU : 0,
      raw
    }
  }

  async listNetworks(name: string): Promise<NetworkInfo[]> {
    // The Engine's name filter matches substrings: keep exact matches only.
    const list = await this.docker.listNetworks({ filters: { name: [name] } })
    const exact = list.filter(n => n.Name === name)
    return Promise.all(
      exact.map(async n => {
        const full = await this.docker.getNetwork(n.Id).inspect()
        return {
          id: n.Id,
          name: n.Name,
          containers: Object.keys(full.Containers ?? {}).length,
          subnets: (full.IPAM?.Config ?? []).map((c: { Subnet?: string }) => c.Subnet ?? '').filter(Boolean),
          options: full.Options ?? {}
        }
      })
    )
  }

  async createNetwork(spec: NetworkSpec): Promise<void> {
    await this.docker.createNetwork({ ...spec, CheckDuplicate: true })
  }

  async removeNetwork(idOrName: string): Promise<void> {
    await this.docker.getNetwork(idOrName).remove()
  }

  async inspectImage(ref: string): Promise<ImageInfo | undefined> {
    try {
      const raw = await this.docker.getImage(ref).inspect()
      return { id: raw.Id, repoTags: raw.RepoTags ?? [], repoDigests: raw.RepoDigests ?? [], size: raw.Size }
    } catch (error) {
      if (isNotFound(error)) return undefined
      throw error
    }
  }

  async pullImage(ref: string, auth?: RegistryAuth): Promise<void> {
    const stream = await this.docker.pull(ref, auth ? { authconfig: auth } : {})
    await new Promise<void>((resolve, reject) => {
      this.docker.modem.followProgress(stream, (err: Error | null, output: { error?: string }[]) => {
        const failed = output?.find(o => o.error)
        if (err) reject(err)
        else if (failed) reject(new Error(failed.error))
        else resolve()
      })
    })
  }

  async saveImages(refs: string[]): Promise<Readable> {
    // GET /images/get?names=...; dockerode has it, its type definitions do not.
    const withGetImages = this.docker as unknown as { getImages(opts: { names: string[] }): Promise<Readable> }
    return withGetImages.getImages({ names: refs })
  }

  async loadImages(archive: Readable): Promise<void> {
    const response = await this.docker.loadImage(archive)
    const text = (await readAll(response)).toString()
    const error = text
      .split('\n')
      .filter(Boolean)
      .map(line => JSON.parse(line) as { error?: string })
      .find(m => m.error)
    if (error) throw new Error(`docker load: ${error.error}`)
  }

  async tagImage(ref: string, repo: string, tag: string): Promise<void> {
    await this.docker.getImage(ref).tag({ repo, tag })
  }

  async createContainer(spec: ContainerSpec): Promise<string> {
    const container = await this.docker.createContainer(spec as Docker.ContainerCreateOptions)
    return container.id
  }

  async startContainer(name: string): Promise<void> {
    await this.docker.getContainer(name).start()
  }

  async stopContainer(name: string, timeoutSeconds = 10): Promise<void> {
    try {
      await this.docker.getContainer(name).stop({ t: timeoutSeconds })
    } catch (error) {
      // 304: already stopped.
      if (engineStatus(error) !== 304) throw error
    }
  }

  async inspectContainer(name: string): Promise<ContainerInfo | undefined> {
    try {
      return toInfo(await this.docker.getContainer(name).inspect())
    } catch (error) {
      if (isNotFound(error)) return undefined
      throw error
    }
  }

  async listContainers(labels: Record<string, string>): Promise<ContainerSummary[]> {
    const label = Object.entries(labels).map(([k, v]) => (v === '' ? k : `${k}=${v}`))
    const list = await this.docker.listContainers({ all: true, filters: { label } })
    return list.map(c => ({
      id: c.Id,
      name: (c.Names[0] ?? '').replace(/^\//, ''),
      labels: c.Labels ?? {},
      state: c.State
    }))
  }

  async removeContainer(name: string): Promise<void> {
    // v: anonymous volumes go with the container, as `docker rm -f -v` (kind's /var volume).
    await this.docker.getContainer(name).remove({ force: true, v: true })
  }

  async waitForLog(name: string, until: RegExp, timeoutMs: number): Promise<boolean> {
    const stream = (await this.docker
      .getContainer(name)
      .logs({ follow: true, stdout: true, stderr: true })) as unknown as Readable
    return new Promise<boolean>(resolve => {
      let pending = ''
      const finish = (found: boolean): void => {
        clearTimeout(timer)
        stream.removeAllListeners('data')
        stream.destroy()
        resolve(found)
      }
      const timer = setTimeout(() => finish(false), timeoutMs)
      stream.on('data', (chunk: Buffer) => {
        pending += chunk.toString()
        const lines = pending.split(/\r?\n/)
        pending = lines.pop() ?? ''
        if (lines.some(line => until.test(line)) || until.test(pending)) finish(true)
      })
      stream.on('end', () => finish(until.test(pending)))
      stream.on('error', () => finish(false))
    })
  }

  async logs(name: string): Promise<string> {
    const out = await this.docker.getContainer(name).logs({ follow: false, stdout: true, stderr: true })
    return Buffer.isBuffer(out) ? out.toString() : String(out)
  }

  async copyFromContainer(name: string, path: string): Promise<Readable> {
    return (await this.docker.getContainer(name).getArchive({ path })) as unknown as Readable
  }

  async exec(name: string, cmd: string[], options: ExecOptions = {}): Promise<ExecResult> {
    const { stdout, done } = await this.execStream(name, cmd, options)
    const [out, result] = await Promise.all([readAll(stdout), done])
    return { ...result, stdout: out.toString() }
  }

  async execStream(
    name: string,
    cmd: string[],
    options: ExecOptions = {}
  ): Promise<{ stdout: Readable; done: Promise<ExecResult> }> {
    const withStdin = options.stdin !== undefined
    const exec = await this.docker.getContainer(name).exec({
      Cmd: cmd,
      AttachStdin: withStdin,
      AttachStdout: true,
      AttachStderr: true,
      Privileged: options.privileged ?? true,
      Tty: false
    })
    const socket = (await exec.start({ hijack: true, stdin: withStdin })) as unknown as NodeJS.ReadWriteStream
    const stdout = new PassThrough()
    const stderr = new PassThrough()
    const errChunks: Buffer[] = []
    stderr.on('data', (c: Buffer) => errChunks.push(c))
    this.docker.modem.demuxStream(socket, stdout, stderr)
    if (withStdin) {
      const input = options.stdin instanceof Readable ? options.stdin : Readable.from([options.stdin as string | Buffer])
      input.pipe(socket as unknown as NodeJS.WritableStream)
    }
    const done = new Promise<ExecResult>((resolve, reject) => {
      const finish = async (): Promise<void> => {
        stdout.end()
        stderr.end()
        try {
          const state = await exec.inspect()
          resolve({ exitCode: state.ExitCode ?? -1, stdout: '', stderr: Buffer.concat(errChunks).toString() })
        } catch (error) {
          reject(error)
        }
      }
      socket.on('end', () => void finish())
      socket.on('error', reject)
    })
    return { stdout, done }
  }
}
