#!/usr/bin/env node
// The source's shape, checked on every `npm test`: no import cycles (type-only imports count: they tie
// files together for a reader just the same), no import from a higher layer, no adapter imported outside
// the steps that wire it, no function in src/cluster/ longer than a screen.
// Usage: node hack/check-imports.mjs [root] (default: src); exit 1 and one line per problem.
import { readdirSync, readFileSync, existsSync, statSync } from 'node:fs'
import { join, relative, dirname, resolve } from 'node:path'
import ts from 'typescript'

// Lowest first; a file may import its own layer or a lower one. The first matching prefix wins.
export const LAYERS = [
  ['foundation', ['archive/', 'config/', 'kubeadm/', 'duration.ts', 'node-images.ts', 'kind-releases.ts', 'runtime-globals.ts']],
  ['docker', ['docker/']],
  ['cluster', ['cluster/', 'tools/', 'registry/']],
  ['services', ['cache/', 'logs/']],
  ['action', ['inputs.ts', 'input-readers.ts', 'old-input-spellings.ts', 'state.ts', 'cancel.ts', 'github-reporter.ts', 'cluster-config.ts', 'build-node-image/']],
  ['steps', ['main.ts', 'post.ts', 'export-logs.ts', 'main-entry.ts', 'post-entry.ts', 'export-logs-entry.ts', 'kind-cli/', 'kind-cli-entry.ts', 'build-node-image.ts', 'build-node-image-entry.ts']],
]
// Adapters are chosen once, where the steps are wired; everything else goes through the port.
export const ADAPTERS = ['docker/dockerode-port.ts']
export const MAX_FUNCTION_LINES = 80
const LONG_FUNCTION_DIRS = ['cluster/']

export function layerOf(file) {
  const index = LAYERS.findIndex(([, prefixes]) => prefixes.some(p => (p.endsWith('/') ? file.startsWith(p) : file === p)))
  return index < 0 ? undefined : { index, name: LAYERS[index][0] }
}

function listSources(root, dir = root) {
  return readdirSync(dir).flatMap(name => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return listSources(root, path)
    return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [relative(root, path)] : []
  })
}

function specifiers(source) {
  const found = []
  const visit = node => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      found.push(node.moduleSpecifier.text)
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      found.push(node.argument.literal.text)
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] && ts.isStringLiteral(node.arguments[0])) {
      found.push(node.arguments[0].text)
    }
    ts.forEachChild(node, visit)
  }
  visit(source)
  return found
}

function resolveLocal(root, from, specifier) {
  if (!specifier.startsWith('.')) return undefined
  const base = resolve(root, dirname(from), specifier).replace(/\.js$/, '')
  for (const candidate of [`${base}.ts`, join(base, 'index.ts')]) {
    if (existsSync(candidate)) return relative(root, candidate)
  }
  return undefined
}

function longFunctions(file, source) {
  const found = []
  const visit = node => {
    if (ts.isFunctionDeclaration(node) || ts.isFunctionExpression(node) || ts.isArrowFunction(node) || ts.isMethodDeclaration(node)) {
      const start = source.getLineAndCharacterOfPosition(node.getStart(source)).line
      const end = source.getLineAndCharacterOfPosition(node.getEnd()).line
      const lines = end - start + 1
      if (lines > MAX_FUNCTION_LINES) {
        const name = node.name && ts.isIdentifier(node.name) ? node.name.text : '(anonymous)'
        found.push(`${file}:${start + 1}: function ${name} is ${lines} lines (at most ${MAX_FUNCTION_LINES} in ${LONG_FUNCTION_DIRS.join(', ')})`)
      }
    }
    ts.forEachChild(node, visit)
  }
  visit(source)
  return found
}

/** Every cycle (as a strongly connected component, one path shown), in a stable order. */
function cycles(graph) {
  let counter = 0
  const index = new Map(), low = new Map(), stack = [], onStack = new Set(), components = []
  const connect = node => {
    index.set(node, counter); low.set(node, counter); counter++
    stack.push(node); onStack.add(node)
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) { connect(next); low.set(node, Math.min(low.get(node), low.get(next))) }
      else if (onStack.has(next)) low.set(node, Math.min(low.get(node), index.get(next)))
    }
    if (low.get(node) === index.get(node)) {
      const component = []
      let member
      do { member = stack.pop(); onStack.delete(member); component.push(member) } while (member !== node)
      const selfLoop = (graph.get(node) ?? []).includes(node)
      if (component.length > 1 || selfLoop) components.push(component.sort())
    }
  }
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) connect(node)
  return components.map(component => `import cycle: ${component.join(' -> ')} -> ${component[0]}`)
}

/** All problems of the tree under root, as lines a reader can act on; empty when the shape is right. */
export function checkTree(root) {
  const problems = []
  const graph = new Map()
  for (const file of listSources(root).sort()) {
    const text = readFileSync(join(root, file), 'utf8')
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true)
    const targets = [...new Set(specifiers(source).map(s => resolveLocal(root, file, s)).filter(Boolean))]
    graph.set(file, targets)
    const own = layerOf(file)
    if (!own) problems.push(`${file}: in no layer (add it to LAYERS in hack/check-imports.mjs)`)
    for (const target of targets) {
      const theirs = layerOf(target)
      if (ADAPTERS.includes(target) && own?.name !== 'steps' && !target.startsWith(dirname(file) + '/')) {
        problems.push(`${file} imports the adapter ${target}: only the steps choose an adapter; import the port instead`)
      }
      if (own && theirs && theirs.index > own.index) {
        problems.push(`${file} (${own.name}) imports ${target} (${theirs.name}): a lower layer must not import a higher one`)
      }
    }
    if (LONG_FUNCTION_DIRS.some(dir => file.startsWith(dir))) problems.push(...longFunctions(file, source))
  }
  return [...problems, ...cycles(graph)]
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const root = resolve(process.argv[2] ?? 'src')
  const problems = checkTree(root)
  for (const problem of problems) console.log(problem)
  console.log(problems.length ? `check-imports: ${problems.length} problem(s) in ${root}` : `check-imports: ${root} is layered, acyclic, and its cluster functions are short`)
  process.exit(problems.length ? 1 : 0)
}
