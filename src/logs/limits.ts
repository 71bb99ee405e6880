// Size bounds of a log bundle. A CI job's logs go into an artifact that people download: a node that
// logged for an hour must not produce gigabytes, so every file is capped and keeps its most recent part
// (the end of a log is where a failure shows), with a first line saying what was dropped.

export interface LogLimits {
  /** Bytes kept of any one file (journal, kubelet log, a file under /var/log, kubectl output). */
  maxFileBytes: number
  /** Bytes kept of one node's /var/log tree. */
  maxVarLogBytes: number
  /** How long one command in a node may take before it is abandoned. */
  commandTimeoutMs: number
  /** Commands run at once across all nodes (each is a docker exec; the runner has 2 cores). */
  concurrency: number
}

export const DEFAULT_LIMITS: LogLimits = {
  maxFileBytes: 32 * 1024 * 1024,
  maxVarLogBytes: 256 * 1024 * 1024,
  commandTimeoutMs: 120_000,
  concurrency: 4
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`
  if (bytes < 1024 * 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MiB`
  return `${(bytes / 1024 / 1024 / 1024).toFixed(2)} GiB`
}

/** The first line of a file that kept only its last `kept` bytes out of `total`. */
export function truncationNote(kept: number, total: number): string {
  return `[kind-action] truncated: the first ${formatBytes(total - kept)} were dropped; kept the last ${formatBytes(kept)} of ${formatBytes(total)}\n`
}

/**
 * Keeps the last `cap` bytes of a stream of unknown length, in memory bounded by about `cap` plus one
 * chunk: whole chunks are dropped from the front as soon as the rest still covers the cap.
 */
export class TailBuffer {
  private chunks: Buffer[] = []
  private held = 0
  total = 0

  constructor(private readonly cap: number) {}

  push(chunk: Buffer | string): void {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk)
    this.total += buffer.length
    this.chunks.push(buffer)
    this.held += buffer.length
    while (this.chunks.length > 1 && this.held - this.chunks[0].length >= this.cap) {
      this.held -= this.chunks.shift()!.length
    }
  }

  get truncated(): boolean {
    return this.total > this.cap
  }

  /** The kept bytes, preceded by the truncation note when something was dropped. */
  contents(): Buffer {
    const all = Buffer.concat(this.chunks, this.held)
    if (!this.truncated) return all
    const kept = all.subarray(all.length - this.cap)
    return Buffer.concat([Buffer.from(truncationNote(kept.length, this.total)), kept])
  }
}

/** The last `cap` bytes of a string already in memory, with the same note. */
export function capText(text: string | Buffer, cap: number): Buffer {
  const tail = new TailBuffer(cap)
  tail.push(text)
  return tail.contents()
}
