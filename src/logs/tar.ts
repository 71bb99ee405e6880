// The log export's policy for the action's one tar reader (archive/tar.ts), for unpacking the /var/log
// tree that a node sends as `tar --hard-dereference -chf - .`, the way kind's export does (kind-spec §6.1):
// only regular files and directories are written; links, devices and FIFOs are skipped and listed. Names
// that climb out of the target (`..`, absolute paths) are refused and listed, never rewritten; each file
// and the whole tree are capped while streaming, an oversized log keeping its tail; a write that fails or
// an archive that ends early loses only what it must; and the source is read to its end, so that the
// docker exec producing it can finish.
import { entryPath, extractTar as extract, type ExtractReport, type TarSource } from '../archive/tar.js'
import { formatBytes, truncationNote } from './limits.js'

export { parsePax, type ExtractReport, type TarSource } from '../archive/tar.js'

export interface ExtractLimits {
  /** Bytes kept of one file; a longer file keeps its last bytes, after a note saying so. */
  maxFileBytes: number
  /** Bytes written for the whole archive; files past it are skipped and listed. */
  maxTotalBytes: number
}

/** Characters the artifact service refuses in a file path (@actions/artifact validateFilePath). */
const UNSAFE_FOR_ARTIFACTS = /[":<>|*?\r\n\\]/g

const artifactSafe = (part: string): string => part.replace(UNSAFE_FOR_ARTIFACTS, '_')

/**
 * The relative path an entry may be written to, or undefined when its name is absolute or climbs out
 * with `..`: such names are refused, never rewritten, so a hostile archive cannot place files anywhere.
 */
export function safeEntryPath(name: string): string | undefined {
  return entryPath(name, artifactSafe)
}

/**
 * Unpacks a tar stream into `target` (created if needed). Never throws for what is inside the archive —
 * problems are listed in the report — but throws when the bytes are not a tar archive at all.
 */
export function extractTar(source: TarSource, target: string, limits: ExtractLimits): Promise<ExtractReport> {
  return extract(source, target, {
    links: false,
    modes: false,
    problems: 'report',
    drain: true,
    rename: artifactSafe,
    limits: {
      ...limits,
      truncationNote,
      totalReached: (size, max) => `${formatBytes(size)}: the ${formatBytes(max)} limit for this tree was reached`
    }
  })
}
