// The action's `config` input -> a defaulted, validated Cluster. The input holds either a path to a
// config file or the config itself, so that workflows can keep a short config inline. Reading is
// synchronous: it is one small file, read once before anything else happens.

import { closeSync, openSync, readSync } from 'node:fs'
import { resolve } from 'node:path'
import { applyDefaults, type DefaultsOptions } from './defaults.js'
import { ConfigError } from './errors.js'
import { parseClusterConfig } from './parse.js'
import { clusterFromShorthand, type Shorthand } from './shorthand.js'
import type { Cluster, RawCluster } from './types.js'
import { validateCluster } from './validate.js'

export const CONFIG_INPUT = 'config'
export const INLINE_SOURCE = `${CONFIG_INPUT} (inline)`
/** The source named in messages when there is no config and only the other inputs shape the cluster. */
export const SHORTHAND_SOURCE = 'inputs'

export type ConfigInput = { type: 'none' } | { type: 'inline'; text: string } | { type: 'file'; path: string }

/**
 * Decides what the `config` input holds. YAML that fits on one line and is not obviously a
 * config (e.g. `kind: Cluster`) cannot be told from a file name, so one-line text is a path
 * unless it starts like a config.
 */
export function classifyConfigInput(input: string): ConfigInput {
  const trimmed = input.trim()
  if (trimmed === '') return { type: 'none' }
  if (/[\r\n]/.test(trimmed) || /^(apiVersion|kind)\s*:/.test(trimmed) || trimmed.startsWith('{')) {
    return { type: 'inline', text: input }
  }
  return { type: 'file', path: trimmed }
}

/** Far above any real cluster config; a bound keeps /dev/zero or a huge file from eating the runner's memory. */
export const MAX_CONFIG_BYTES = 1024 * 1024

function tooLarge(what: string): string {
  return `${what} is larger than ${MAX_CONFIG_BYTES / 1024 / 1024} MiB; a kind Cluster config is a few KiB`
}

/** At most MAX_CONFIG_BYTES + 1 bytes: enough to tell a file is too large without reading it all. */
function readBounded(path: string): Buffer {
  const fd = openSync(path, 'r')
  try {
    const buffer = Buffer.alloc(MAX_CONFIG_BYTES + 1)
    let length = 0
    for (let n = 1; n > 0 && length < buffer.length; length += n) n = readSync(fd, buffer, length, buffer.length - length, null)
    return buffer.subarray(0, length)
  } finally {
    closeSync(fd)
  }
}

/** The inline config, unless it is too large to be one. */
function inlineText(text: string): string {
  if (Buffer.byteLength(text) > MAX_CONFIG_BYTES) throw new ConfigError(INLINE_SOURCE, [tooLarge('the config')])
  return text
}

function readConfigFile(path: string, cwd: string): string {
  const absolute = resolve(cwd, path)
  const what = `${JSON.stringify(path)}${absolute === path ? '' : ` (${absolute})`}`
  let bytes: Buffer
  try {
    bytes = readBounded(absolute)
  } catch (error) {
    const code = error instanceof Error && 'code' in error ? error.code : undefined
    const accepted = 'give the path of a kind Cluster config file, or the config itself as YAML'
    if (code === 'ENOENT') throw new ConfigError(CONFIG_INPUT, [`file ${what} does not exist; ${accepted}`])
    if (code === 'EISDIR') throw new ConfigError(CONFIG_INPUT, [`${what} is a directory; ${accepted}`])
    const reason = error instanceof Error ? error.message : String(error)
    throw new ConfigError(CONFIG_INPUT, [`cannot read file ${what}: ${reason}`])
  }
  if (bytes.length > MAX_CONFIG_BYTES) throw new ConfigError(CONFIG_INPUT, [tooLarge(`file ${what}`)])
  return bytes.toString('utf8')
}

/** The `name` the config input gives, without defaulting or validating the rest (the post step's need). */
export function configName(input: string, cwd: string): string | undefined {
  const what = classifyConfigInput(input)
  if (what.type === 'none') return undefined
  const raw = what.type === 'inline' ? parseClusterConfig(inlineText(what.text), INLINE_SOURCE) : parseClusterConfig(readConfigFile(what.path, cwd), what.path)
  return typeof raw.name === 'string' && raw.name ? raw.name : undefined
}

export interface LoadOptions extends DefaultsOptions {
  /** Node counts used when the `config` input is empty; one control plane if not given. */
  shorthand?: Shorthand
}

/**
 * Reads, parses, defaults and validates the cluster config named by the `config` input. Relative
 * paths (of the file and of extraMounts) are resolved against `options.cwd`. Throws a ConfigError
 * listing every problem; warnings are left to clusterWarnings().
 */
export function loadClusterConfig(input: string, options: LoadOptions): Cluster {
  const what = classifyConfigInput(input)
  let source: string
  let raw: RawCluster
  switch (what.type) {
    case 'none':
      source = SHORTHAND_SOURCE
      raw = clusterFromShorthand(options.shorthand ?? { controlPlanes: 1, workers: 0 })
      break
    case 'inline':
      source = INLINE_SOURCE
      raw = parseClusterConfig(inlineText(what.text), source)
      break
    case 'file':
      source = what.path
      raw = parseClusterConfig(readConfigFile(what.path, options.cwd), source)
      break
  }
  const cluster = applyDefaults(raw, options)
  const problems = validateCluster(cluster)
  if (problems.length > 0) throw new ConfigError(source, problems)
  return cluster
}
