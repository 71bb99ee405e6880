// The narrow Docker port: the only surface the rest of the action uses to talk to a Docker Engine.
// One adapter (dockerode-port.ts) implements it; nothing else imports dockerode.
import type { Readable } from 'node:stream'

/** Container create options, in the Docker Engine API's own field names (POST /containers/create). */
export interface ContainerSpec {
  name: string
  Image: string
  Hostname?: string
  Labels?: Record<string, string>
  Env?: string[]
  Cmd?: string[]
  Entrypoint?: string[]
  Tty?: boolean
  Volumes?: Record<string, Record<string, never>>
  ExposedPorts?: Record<string, Record<string, never>>
  HostConfig: {
    Privileged?: boolean
    SecurityOpt?: string[]
    Tmpfs?: Record<string, string>
    Binds?: string[]
    NetworkMode?: string
    RestartPolicy?: { Name: string; MaximumRetryCount?: number }
    Init?: boolean
    CgroupnsMode?: 'private' | 'host'
    Sysctls?: Record<string, string>
    UsernsMode?: string
    Devices?: { PathOnHost: string; PathInContainer: string; CgroupPermissions: string }[]
    PortBindings?: Record<string, { HostIp: string; HostPort: string }[]>
  }
  NetworkingConfig?: { EndpointsConfig: Record<string, Record<string, never>> }
}

export interface ContainerSummary {
  id: string
  name: string
  labels: Record<string, string>
  state: string
}

export interface ContainerInfo {
  id: string
  name: string
  image: string
  running: boolean
  labels: Record<string, string>
  /** Network name → addresses. */
  networks: Record<string, { ipv4: string; ipv6: string }>
  /** "6443/tcp" → host bindings. */
  ports: Record<string, { HostIp: string; HostPort: string }[]>
  /** The raw inspect document, for logs (inspect.json) and tests. */
  raw: unknown
}

export interface NetworkSpec {
  Name: string
  Driver: 'bridge'
  EnableIPv6?: boolean
  IPAM?: { Driver: 'default'; Config: { Subnet: string }[] }
  Options?: Record<string, string>
}

export interface NetworkInfo {
  id: string
  name: string
  containers: number
  subnets: string[]
  options: Record<string, string>
}

export interface DockerInfo {
  serverVersion: string
  cgroupVersion: string
  securityOptions: string[]
  driver: string
  /** Backing Filesystem from DriverStatus, when the storage driver reports one. */
  backingFilesystem: string
  /** "Docker Desktop" when the daemon runs in Docker Desktop's VM. */
  operatingSystem: string
  /** The cores the daemon's host has (0 when not reported). */
  cpus: number
  raw: unknown
}

export interface ImageInfo {
  id: string
  repoTags: string[]
  repoDigests: string[]
  size: number
}

/**
 * Credentials for one pull, as the Engine takes them (its AuthConfig, sent as X-Registry-Auth): a user
 * and password, or an identity token (OAuth refresh token) or registry token from a credential helper.
 */
export interface RegistryAuth {
  /** The registry, as the credentials are stored for it (Docker Hub: https://index.docker.io/v1/). */
  serveraddress: string
  username?: string
  password?: string
  identitytoken?: string
  registrytoken?: string
}

export interface ExecOptions {
  /** Bytes or a stream to send on the command's stdin. */
  stdin?: string | Buffer | Readable
  privileged?: boolean
}

export interface ExecResult {
  exitCode: number
  stdout: string
  stderr: string
}

export interface DockerPort {
  info(): Promise<DockerInfo>

  listNetworks(name: string): Promise<NetworkInfo[]>
  createNetwork(spec: NetworkSpec): Promise<void>
  removeNetwork(idOrName: string): Promise<void>

  inspectImage(ref: string): Promise<ImageInfo | undefined>
  /** Pulls an image; `auth` goes to the registry (X-Registry-Auth), else the pull is anonymous. */
  pullImage(ref: string, auth?: RegistryAuth): Promise<void>
  /** `docker save` as a stream of a tar archive. */
  saveImages(refs: string[]): Promise<Readable>
  /** `docker load` from a stream of a tar archive. */
  loadImages(archive: Readable): Promise<void>
  tagImage(ref: string, repo: string, tag: string): Promise<void>

  createContainer(spec: ContainerSpec): Promise<string>
  startContainer(name: string): Promise<void>
  stopContainer(name: string, timeoutSeconds?: number): Promise<void>
  inspectContainer(name: string): Promise<ContainerInfo | undefined>
  /** Containers (running or not) carrying every given label; a label given as '' only has to exist. */
  listContainers(labels: Record<string, string>): Promise<ContainerSummary[]>
  removeContainer(name: string): Promise<void>
  /** Output of the container (its TTY), from the start; resolves when `until` matches a line or the timeout ends. */
  waitForLog(name: string, until: RegExp, timeoutMs: number): Promise<boolean>
  /** All the container's output so far (docker logs). */
  logs(name: string): Promise<string>
  /**
   * A file or directory of a container as a tar archive (`docker cp` out: GET /containers/{id}/archive),
   * read by the Engine itself: the container need not be running, and nothing runs inside it.
   */
  copyFromContainer(name: string, path: string): Promise<Readable>

  /** Runs a command in a container; never throws for a non-zero exit code (see ExecResult). */
  exec(name: string, cmd: string[], options?: ExecOptions): Promise<ExecResult>
  /** Runs a command whose stdout is a byte stream (tar archives): resolves with the stream and its exit code. */
  execStream(name: string, cmd: string[], options?: ExecOptions): Promise<{ stdout: Readable; done: Promise<ExecResult> }>
}

// How a DockerPort reports Engine errors: the HTTP status and the Engine's own message, as the Engine
// API gives them. Callers classify errors through these, never through an adapter.
interface EngineError {
  statusCode?: number
  json?: { message?: string }
  message?: string
}

/** The Engine's HTTP status of a failed call, when it answered. */
export function engineStatus(error: unknown): number | undefined {
  return (error as EngineError)?.statusCode
}

/** Status 404 from the Engine: the object does not exist. */
export function isNotFound(error: unknown): boolean {
  return engineStatus(error) === 404
}

/** The Engine's own message (not dockerode's "(HTTP code 409) unexpected - ..." wrapping). */
export function engineMessage(error: unknown): string {
  const e = error as EngineError
  if (e?.json?.message) return e.json.message
  // Streamed answers (pulls) leave json empty: the message then carries the HTTP wrapping to drop.
  return e?.message?.replace(/^\(HTTP code \d+\) [^-]*- /, '').trim() ?? String(error)
}
