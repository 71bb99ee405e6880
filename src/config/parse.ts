// YAML text -> RawCluster, accepting what kind accepts for kind.x-k8s.io/v1alpha4 and reporting
// everything else (syntax, unknown fields, wrong types) with the field path, all at once.

import { isMap, isScalar, LineCounter, parseAllDocuments, type YAMLError } from 'yaml'
import { decodeCluster } from './decode.js'
import { ConfigError } from './errors.js'
import type { RawCluster } from './types.js'
import { describe, YamlReader } from './yaml-reader.js'

export const API_VERSION = 'kind.x-k8s.io/v1alpha4'
export const KIND = 'Cluster'

function syntaxProblem(error: YAMLError, lines: LineCounter): string {
  const { line, col } = lines.linePos(error.pos[0])
  return `line ${line}, column ${col}: ${error.message}`
}

const TOO_DEEP = 'nested too deeply to read (thousands of levels of lists or mappings); a kind config is a few levels deep'

/**
 * Parses a kind Cluster config. `source` names the config in error messages.
 * Throws a ConfigError listing every problem found.
 */
export function parseClusterConfig(text: string, source: string): RawCluster {
  try {
    return parseChecked(text, source)
  } catch (error) {
    // Reading a hostile nesting recursively can exhaust the stack: that is the config's fault, so say so.
    if (error instanceof RangeError) throw new ConfigError(source, [TOO_DEEP])
    throw error
  }
}

function parseChecked(text: string, source: string): RawCluster {
  const lines = new LineCounter()
  const documents = parseAllDocuments(text, {
    version: '1.2',
    // yaml.v3 expands `<<` itself; the reader does the same, so the parser must leave it alone.
    merge: false,
    uniqueKeys: true,
    prettyErrors: false,
    lineCounter: lines
  })
  const errors = documents.flatMap((doc) => doc.errors)
  // The parser reports running out of stack once per open collection: one line says it better.
  if (errors.some((error) => /call stack/i.test(error.message))) throw new ConfigError(source, [TOO_DEEP])
  const syntax = errors.map((error) => syntaxProblem(error, lines))
  if (syntax.length > 0) throw new ConfigError(source, syntax)

  // A stray `---` or a comment-only document carries no config; only real content counts.
  const filled = documents.filter((doc) => new YamlReader(doc).resolve(doc.contents) !== null)
  const [doc] = filled
  if (doc === undefined) {
    throw new ConfigError(source, [`no config found; expected a ${KIND} with apiVersion ${API_VERSION}`])
  }
  if (filled.length > 1) {
    throw new ConfigError(source, [`found ${filled.length} YAML documents; a cluster config is one document`])
  }

  const reader = new YamlReader(doc)
  const root = reader.resolve(doc.contents)
  if (root === null || !isMap(root)) {
    // Not the text itself: a file named by mistake (a secrets file, /proc/self/environ) must not reach the log.
    const got = root !== null && isScalar(root) && typeof root.value === 'string' ? `plain text (${root.value.length} characters)` : describe(root)
    throw new ConfigError(source, [`expected a mapping (a kind ${KIND}), got ${got}`])
  }

  const apiVersion = reader.lookup(root, 'apiVersion')
  if (apiVersion === undefined || apiVersion === null) {
    reader.report('apiVersion', `missing; use ${API_VERSION}`)
  } else {
    const value = reader.string(apiVersion, 'apiVersion')
    if (value !== undefined && value !== API_VERSION) {
      reader.report('apiVersion', `unknown apiVersion ${JSON.stringify(value)}; use ${API_VERSION}`)
    }
  }
  const kind = reader.lookup(root, 'kind')
  if (kind === undefined || kind === null) {
    reader.report('kind', `missing; use ${KIND}`)
  } else {
    const value = reader.string(kind, 'kind')
    if (value !== undefined && value !== KIND) {
      reader.report('kind', `unknown kind ${JSON.stringify(value)}; use ${KIND}`)
    }
  }
  // Another apiVersion has another schema: judging its fields by ours would only add noise.
  if (reader.problems.length > 0) throw new ConfigError(source, reader.problems)

  const raw = decodeCluster(reader, root)
  if (reader.problems.length > 0) throw new ConfigError(source, reader.problems)
  return raw
}
