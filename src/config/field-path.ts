// How problems name a place in the config: `nodes[1].extraMounts[0].hostPath`, and map keys quoted
// because label keys hold dots and slashes (`nodes[0].labels["topology.kubernetes.io/zone"]`).

export function fieldPath(parent: string, field: string): string {
  return parent === '' ? field : `${parent}.${field}`
}

export function indexPath(parent: string, index: number): string {
  return `${parent}[${index}]`
}

export function keyPath(parent: string, key: string): string {
  return `${parent}[${JSON.stringify(key)}]`
}
