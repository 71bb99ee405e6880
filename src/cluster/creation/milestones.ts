// Milestones kept per node: one per node name, made on first use.
import { milestone, type Milestone } from '../settle.js'

export class PerNode<T = void> {
  private readonly byName = new Map<string, Milestone<T>>()
  of(node: string): Milestone<T> {
    let found = this.byName.get(node)
    if (!found) this.byName.set(node, (found = milestone<T>()))
    return found
  }
}
