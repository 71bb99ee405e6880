// Input names that workflows in the wild still pass: helm/kind-action's first releases (node-image, name,
// log-level; then log_level until v1.3) and engineerd/setup-kind (image, name, skipClusterCreation).
// Each is read as the input it became, with a deprecation warning, so moving over needs no renaming.
// GitHub hands them over as INPUT_<NAME> with hyphens kept (INPUT_NODE-IMAGE), which core.getInput reads.

export interface OldSpelling {
  old: string
  current: string
  /** The value in the current input's terms; undefined when it cannot be translated (an error). */
  translate?: (value: string) => string | undefined
  /** Where the spelling comes from, for the warning. */
  origin: string
}

/**
 * kind's --loglevel (logrus levels, removed in kind v0.12) as kind's --verbosity: debug and trace showed
 * kind's debug output, which --verbosity shows from 1 and 2 on; the quieter levels are verbosity 0.
 */
function logLevelToVerbosity(value: string): string | undefined {
  const level = value.trim().toLowerCase()
  if (/^\d+$/.test(level)) return level
  const verbosity: Record<string, string> = { panic: '0', fatal: '0', error: '0', warn: '0', warning: '0', info: '0', debug: '1', trace: '2' }
  return verbosity[level]
}

export const OLD_SPELLINGS: readonly OldSpelling[] = [
  { old: 'node-image', current: 'node_image', origin: 'helm/kind-action v1.0' },
  { old: 'image', current: 'node_image', origin: 'engineerd/setup-kind' },
  { old: 'name', current: 'cluster_name', origin: 'helm/kind-action v1.0 and engineerd/setup-kind' },
  { old: 'log-level', current: 'verbosity', translate: logLevelToVerbosity, origin: 'helm/kind-action v1.0' },
  { old: 'log_level', current: 'verbosity', translate: logLevelToVerbosity, origin: 'helm/kind-action before v1.3' },
  { old: 'skipClusterCreation', current: 'install_only', origin: 'engineerd/setup-kind' }
]

/**
 * Inputs that are gone without a successor: accepted with a warning that says why nothing is needed.
 * helm/kind-action v1.0 installed Rancher's local-path-provisioner; every kind node image since kind
 * v0.7 ships it as the default `standard` StorageClass, and so do the clusters this action makes.
 */
export const RETIRED_INPUTS: Readonly<Record<string, string>> = {
  'install-local-path-provisioner': 'the node image already installs local-path-provisioner as the default StorageClass "standard"',
  install_local_path_provisioner: 'the node image already installs local-path-provisioner as the default StorageClass "standard"',
  installLocalPathProvisioner: 'the node image already installs local-path-provisioner as the default StorageClass "standard"'
}

type Reader = (name: string) => string

/**
 * A reader that answers for each current input with its old spellings folded in. An old spelling alone
 * is used with a warning; old and current with different values is a problem naming both (which one the
 * workflow meant cannot be known); an old value that means nothing in the new terms is a problem too.
 */
export function withOldSpellings(read: Reader, problems: string[], warnings: string[]): Reader {
  const folded = new Map<string, string>()
  for (const spelling of OLD_SPELLINGS) {
    const raw = read(spelling.old).trim()
    if (!raw) continue
    const value = spelling.translate ? spelling.translate(raw) : raw
    if (value === undefined) {
      problems.push(`${spelling.old} (deprecated, now ${spelling.current}): "${raw}" means nothing as ${spelling.current}; set ${spelling.current} instead`)
      continue
    }
    const current = (folded.get(spelling.current) ?? read(spelling.current)).trim()
    if (current && current !== value) {
      problems.push(`${spelling.old} / ${spelling.current}: both are set, to "${raw}" and "${current}"; ${spelling.old} is the old name of ${spelling.current}, keep only ${spelling.current}`)
      continue
    }
    warnings.push(`${spelling.old} is deprecated (from ${spelling.origin}): use ${spelling.current}${spelling.translate ? `: ${value}` : ''} instead`)
    folded.set(spelling.current, value)
  }
  for (const [name, why] of Object.entries(RETIRED_INPUTS)) {
    if (read(name).trim()) warnings.push(`${name} is no longer needed and is ignored: ${why}`)
  }
  return name => folded.get(name) ?? read(name)
}
