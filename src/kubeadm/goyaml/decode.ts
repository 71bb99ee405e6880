// YAML text -> JSON value, as sigs.k8s.io/yaml's YAMLToJSON does it (go-yaml v2 underneath).
// The `yaml` package only parses; every scalar is then interpreted with go-yaml's YAML 1.1 rules so
// that `on`, `y`, `0o17` or a date come out exactly as they do in kind.

import { Alias, isAlias, isMap, isScalar, isSeq, parseAllDocuments, Scalar, type Document, type Node } from 'yaml'
import { newObject, type JsonObject, type JsonValue } from '../json.js'
import { formatFloat32Key } from './float.js'
import { resolvePlain, type Resolved } from './resolve.js'

export class YAMLDecodeError extends Error {
  override name = 'YAMLDecodeError'
}

const TAG_PREFIX = 'tag:yaml.org,2002:'

function resolveTagged(tag: string, text: string): Resolved {
  const short = tag.startsWith(TAG_PREFIX) ? tag.slice(TAG_PREFIX.length) : undefined
  switch (short) {
    case 'bool':
    case 'int':
    case 'float':
    case 'null':
    case 'timestamp': {
      const r = resolvePlain(text)
      if (r.tag === short) return r
      if (short === 'float' && r.tag === 'int') return { tag: 'float', value: r.value }
      throw new YAMLDecodeError(`cannot decode !!${r.tag} \`${text}\` as a !!${short}`)
    }
    case 'binary':
      return { tag: 'str', value: Buffer.from(text.replace(/\s+/g, ''), 'base64').toString('utf8') }
    default:
      // !!str, application tags and the non-specific `!` all leave the text as it is.
      return { tag: 'str', value: text }
  }
}

function scalarOf(node: Scalar): Resolved {
  const text = typeof node.source === 'string' ? node.source : String(node.value ?? '')
  if (node.tag) return resolveTagged(node.tag, text)
  if (node.type === Scalar.PLAIN || node.type === undefined) return resolvePlain(text)
  return { tag: 'str', value: text }
}

function scalarToJson(r: Resolved): JsonValue {
  if (r.tag === 'float' && !Number.isFinite(r.value as number)) {
    // encoding/json refuses these, so does YAMLToJSON.
    throw new YAMLDecodeError(`json: unsupported value: ${String(r.value)}`)
  }
  return r.value
}

function keyToString(r: Resolved): string {
  switch (r.tag) {
    case 'null':
      throw new YAMLDecodeError('unsupported map key of type: <nil>')
    case 'bool':
      return r.value ? 'true' : 'false'
    case 'int':
      return String(r.value)
    case 'float':
      return formatFloat32Key(r.value as number)
    default:
      return r.value as string
  }
}

class Decoder {
  constructor(private readonly doc: Document) {}

  value(node: Node | null | undefined): JsonValue {
    if (node === null || node === undefined) return null
    if (isAlias(node)) return this.value(this.deref(node))
    if (isScalar(node)) return scalarToJson(scalarOf(node))
    if (isSeq(node)) return node.items.map((item) => this.value(item as Node))
    if (isMap(node)) {
      const out = newObject()
      this.mapInto(node as unknown as { items: { key: unknown; value: unknown }[] }, out)
      return out
    }
    throw new YAMLDecodeError('unsupported YAML node')
  }

  private deref(alias: Alias): Node {
    const target = alias.resolve(this.doc)
    if (!target) throw new YAMLDecodeError(`unknown anchor '${alias.source}' referenced`)
    return target as Node
  }

  private mapInto(map: { items: { key: unknown; value: unknown }[] }, out: JsonObject): void {
    for (const pair of map.items) {
      const keyNode = pair.key as Node | null
      if (keyNode && isScalar(keyNode) && this.isMergeKey(keyNode)) {
        this.merge(pair.value as Node | null, out)
        continue
      }
      out[this.key(keyNode)] = this.value(pair.value as Node | null)
    }
  }

  private isMergeKey(node: Scalar): boolean {
    return (
      (node.type === Scalar.PLAIN && !node.tag && node.source === '<<') ||
      node.tag === `${TAG_PREFIX}merge`
    )
  }

  // Later explicit keys win over merged ones; in a list of maps the earlier maps win.
  private merge(node: Node | null, out: JsonObject): void {
    const deref = (n: Node | null): Node | null => (n && isAlias(n) ? this.deref(n) : n)
    const resolved = deref(node)
    const maps = resolved && isSeq(resolved) ? resolved.items.map((i) => deref(i as Node)) : [resolved]
    if (!maps.every((m) => m && isMap(m))) {
      throw new YAMLDecodeError('map merge requires map or sequence of maps as the value')
    }
    for (const m of maps.reverse()) {
      this.mapInto(m as unknown as { items: { key: unknown; value: unknown }[] }, out)
    }
  }

  private key(node: Node | null): string {
    if (node === null) return keyToString({ tag: 'null', value: null })
    const resolved = isAlias(node) ? this.deref(node) : node
    if (isScalar(resolved)) return keyToString(scalarOf(resolved))
    throw new YAMLDecodeError('invalid map key: a mapping or sequence cannot be a key')
  }
}

/**
 * Decodes the first document of `text` (go-yaml's Unmarshal reads only the first) into a JSON value;
 * an empty or comment-only text gives null.
 */
export function decodeYAML(text: string): JsonValue {
  // YAML 1.1, which go-yaml reads, also counts NEL, LS and PS as line breaks.
  const normalised = text.replace(/\r\n|[\r\u0085\u2028\u2029]/g, '\n')
  const parsed = parseAllDocuments(normalised, {
    version: '1.1',
    schema: 'failsafe',
    uniqueKeys: false,
    strict: false
  })
  const docs = Array.isArray(parsed) ? parsed : []
  const first = docs[0]
  if (!first) return null
  if (first.errors.length > 0) throw new YAMLDecodeError((first.errors[0] as Error).message)
  return new Decoder(first).value(first.contents as Node | null)
}
