/**
 * Every problem found in a cluster config, reported together so that one run shows them all.
 * `source` names where the config came from (a file path, "config (inline)"), and the message
 * carries it on each line because the action log shows the message alone.
 */
export class ConfigError extends Error {
  readonly source: string
  readonly problems: readonly string[]

  constructor(source: string, problems: readonly string[]) {
    super(problems.map((problem) => `${source}: ${problem}`).join('\n'))
    this.name = 'ConfigError'
    this.source = source
    this.problems = [...problems]
  }
}
