// RFC 6902 JSON patch (add, remove, replace, move, copy, test; RFC 6901 pointers with ~0/~1 and the
// `-` end-of-array index), following the library kind uses (evanphx/json-patch/v5 v5.6.0) where it
// is more lenient than the RFC, so that patches kind accepts work the same here:
// - negative array indices count from the end (`/list/-1` is the last element);
// - `add`/`replace` without a `value` use null;
// - `replace` and `test` accept the empty path (whole document), `add` and `remove` do not;
// - `test` of null succeeds on a missing member.
// Every failure names the operation (index, op, path) and why it failed.

import { deepClone, deepEqual, isJsonObject, type JsonObject, type JsonValue } from './json.js'

export class JsonPatchError extends Error {
  override name = 'JsonPatchError'
  constructor(
    readonly operationIndex: number,
    readonly operation: string,
    readonly path: string,
    readonly reason: string
  ) {
    super(`operation ${operationIndex} (${operation} ${JSON.stringify(path)}): ${reason}`)
  }
}

/** A failure inside one operation, before the operation's index is known. */
class OpFailure extends Error {}

export type JsonPatchOperation = JsonObject

type Container = JsonObject | JsonValue[]

export function decodePointerToken(token: string): string {
  return token.replace(/~[01]/g, (m) => (m === '~1' ? '/' : '~'))
}

function tokens(pointer: string): string[] {
  if (!pointer.startsWith('/')) throw new OpFailure(`path ${JSON.stringify(pointer)} must start with "/"`)
  return pointer.slice(1).split('/').map(decodePointerToken)
}

/** Go's strconv.Atoi, then negative indices relative to `length`; undefined when not a number. */
function parseIndex(token: string): number | undefined {
  if (!/^[+-]?[0-9]+$/.test(token)) return undefined
  const n = Number(token)
  return Number.isSafeInteger(n) ? n : undefined
}

function arrayIndex(arr: JsonValue[], token: string, pointer: string, forInsert: boolean): number {
  const idx = parseIndex(token)
  if (idx === undefined) throw new OpFailure(`${JSON.stringify(token)} is not an array index in ${JSON.stringify(pointer)}`)
  const size = forInsert ? arr.length + 1 : arr.length
  const resolved = idx < 0 ? idx + size : idx
  if (idx >= size || resolved < 0) {
    throw new OpFailure(`index ${idx} is out of range in ${JSON.stringify(pointer)} (array length ${arr.length})`)
  }
  return resolved
}

interface Location {
  parent: Container
  key: string
}

/** The container that holds the last token of `pointer`. */
function locate(doc: JsonValue, pointer: string): Location {
  const parts = tokens(pointer)
  let current: JsonValue = doc
  for (let i = 0; i < parts.length - 1; i++) {
    const part = parts[i] as string
    let next: JsonValue | undefined
    if (Array.isArray(current)) {
      const idx = parseIndex(part)
      const resolved = idx !== undefined && idx < 0 ? idx + current.length : idx
      next = resolved !== undefined && resolved >= 0 && resolved < current.length ? current[resolved] : undefined
    } else if (isJsonObject(current)) {
      next = Object.hasOwn(current, part) ? current[part] : undefined
    }
    if (next === undefined || next === null || (!Array.isArray(next) && !isJsonObject(next))) {
      const prefix = '/' + parts.slice(0, i + 1).map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/')
      const what = next === undefined ? 'does not exist' : 'is not an object or array'
      throw new OpFailure(`${JSON.stringify(prefix)} ${what}`)
    }
    current = next
  }
  if (!Array.isArray(current) && !isJsonObject(current)) throw new OpFailure('the document is not an object or array')
  return { parent: current, key: parts[parts.length - 1] as string }
}

function get({ parent, key }: Location, pointer: string): JsonValue {
  if (Array.isArray(parent)) return parent[arrayIndex(parent, key, pointer, false)] as JsonValue
  if (!Object.hasOwn(parent, key)) throw new OpFailure(`${JSON.stringify(pointer)} does not exist`)
  return parent[key] as JsonValue
}

function add({ parent, key }: Location, value: JsonValue, pointer: string): void {
  if (Array.isArray(parent)) {
    if (key === '-') parent.push(value)
    else parent.splice(arrayIndex(parent, key, pointer, true), 0, value)
  } else {
    parent[key] = value
  }
}

function remove({ parent, key }: Location, pointer: string): JsonValue {
  if (Array.isArray(parent)) return parent.splice(arrayIndex(parent, key, pointer, false), 1)[0] as JsonValue
  if (!Object.hasOwn(parent, key)) throw new OpFailure(`${JSON.stringify(pointer)} does not exist`)
  const v = parent[key] as JsonValue
  delete parent[key]
  return v
}

function stringField(op: JsonPatchOperation, name: 'path' | 'from'): string {
  const v = op[name]
  if (typeof v !== 'string') throw new OpFailure(`missing or non-string "${name}"`)
  return v
}

function show(v: JsonValue | undefined): string {
  return v === undefined ? 'nothing' : JSON.stringify(v)
}

function applyOne(doc: JsonValue, op: JsonPatchOperation): JsonValue {
  const kind = op.op
  const hasValue = Object.hasOwn(op, 'value')
  const value = hasValue ? (op.value as JsonValue) : null
  switch (kind) {
    case 'add': {
      const path = stringField(op, 'path')
      if (path === '') throw new OpFailure('the document root cannot be the target of add')
      add(locate(doc, path), deepClone(value), path)
      return doc
    }
    case 'remove': {
      const path = stringField(op, 'path')
      if (path === '') throw new OpFailure('the document root cannot be removed')
      remove(locate(doc, path), path)
      return doc
    }
    case 'replace': {
      const path = stringField(op, 'path')
      if (path === '') {
        if (!Array.isArray(value) && !isJsonObject(value)) throw new OpFailure('a new document must be an object or array')
        return deepClone(value)
      }
      const loc = locate(doc, path)
      get(loc, path)
      if (Array.isArray(loc.parent)) loc.parent[arrayIndex(loc.parent, loc.key, path, false)] = deepClone(value)
      else loc.parent[loc.key] = deepClone(value)
      return doc
    }
    case 'move': {
      const from = stringField(op, 'from')
      const path = stringField(op, 'path')
      if (from === '' || path === '') throw new OpFailure('the document root cannot be moved')
      const moved = remove(locate(doc, from), from)
      add(locate(doc, path), moved, path)
      return doc
    }
    case 'copy': {
      const from = stringField(op, 'from')
      const path = stringField(op, 'path')
      if (from === '' || path === '') throw new OpFailure('the document root cannot be copied')
      const copied = deepClone(get(locate(doc, from), from))
      add(locate(doc, path), copied, path)
      return doc
    }
    case 'test': {
      const path = stringField(op, 'path')
      if (!hasValue) throw new OpFailure('missing "value"')
      let actual: JsonValue | undefined = doc
      if (path !== '') {
        const loc = locate(doc, path)
        actual = Array.isArray(loc.parent) ? get(loc, path) : Object.hasOwn(loc.parent, loc.key) ? loc.parent[loc.key] : undefined
      }
      const matches = actual === undefined ? value === null : deepEqual(actual, value)
      if (!matches) throw new OpFailure(`test failed: found ${show(actual)}, expected ${JSON.stringify(value)}`)
      return doc
    }
    default:
      throw new OpFailure(`unknown operation ${JSON.stringify(kind ?? null)}`)
  }
}

/** Parses the operation list and checks that it is a list of objects. */
export function toOperations(patch: JsonValue): JsonPatchOperation[] {
  if (!Array.isArray(patch)) throw new Error('a JSON 6902 patch must be a list of operations')
  return patch.map((op, i) => {
    if (!isJsonObject(op)) throw new JsonPatchError(i, '?', '', 'an operation must be an object')
    return op
  })
}

/** Applies the operations in order to a copy of `doc` and returns it. */
export function applyJsonPatch(doc: JsonValue, operations: JsonPatchOperation[]): JsonValue {
  let current = deepClone(doc)
  operations.forEach((op, i) => {
    try {
      current = applyOne(current, op)
    } catch (e) {
      if (!(e instanceof OpFailure)) throw e
      const path = typeof op.path === 'string' ? op.path : ''
      throw new JsonPatchError(i, typeof op.op === 'string' ? op.op : '?', path, e.message)
    }
  })
  return current
}
