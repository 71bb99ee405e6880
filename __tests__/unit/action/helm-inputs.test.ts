// helm/kind-action's inputs as this action reads them: version, install_only, ignore_failed_clean,
// verbosity, cloud_provider, the older spellings still found in workflows, and the default cluster name.
import { describe, expect, it } from 'vitest'
import { InputError, parseInputs, parsePostInputs, readPostFlags, type Inputs } from '../../../src/inputs.js'
import { chosenNodeImage, loadCluster } from '../../../src/cluster-config.js'
import { KIND_RELEASES } from '../../../src/kind-releases.js'
import { defaultNodeImage, resolveNodeImage } from '../../../src/node-images.js'

const reader = (values: Record<string, string>) => (name: string) => values[name] ?? ''
const parse = (values: Record<string, string>): Inputs => parseInputs(reader(values))

function problems(values: Record<string, string>): string[] {
  try {
    parse(values)
  } catch (error) {
    if (error instanceof InputError) return error.problems
    throw error
  }
  return []
}

const V029 = 'kindest/node:v1.33.1@sha256:050072256b9a903bd914c0b2866828150cb229cea0efe5892e2b644d5dd3b34f'
const KNOWN = 'known releases: v0.20.0, v0.21.0, v0.22.0, v0.23.0, v0.24.0, v0.25.0, v0.26.0, v0.27.0, v0.28.0, v0.29.0, v0.30.0, v0.31.0, v0.32.0, v0.33.0'

describe('version (a kind release)', () => {
  it("picks that release's default image when no node_image or kubernetes_version is given", () => {
    const inputs = parse({ version: 'v0.29.0' })
    expect([inputs.kindVersion, inputs.kindReleaseImage]).toEqual(['v0.29.0', V029])
    expect(loadCluster(inputs, {}).nodeImage).toBe(V029)
    expect(parse({ version: '0.29.0' }).kindVersion).toBe('v0.29.0')
  })

  it('gives way to node_image and kubernetes_version, which name the image themselves', () => {
    expect(loadCluster(parse({ version: 'v0.29.0', node_image: 'kindest/node:v1.37.2' }), {}).nodeImage).toBe('kindest/node:v1.37.2')
    expect(loadCluster(parse({ version: 'v0.29.0', kubernetes_version: '1.34' }), {}).nodeImage).toBe(resolveNodeImage('1.34'))
    // ...but not to a config's per-node image, which wins over every input default, as with kind.
    const config = 'kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnodes:\n- role: control-plane\n  image: my/node:1\n'
    expect(loadCluster(parse({ version: 'v0.29.0', config }), {}).nodeImage).toBe('my/node:1')
  })

  it('without version, the image is the default of kind v0.33.0', () => {
    expect(chosenNodeImage(parse({}))).toBe(defaultNodeImage())
  })

  it('refuses what is not a release, and a release whose image is unknown, naming version and listing the known ones', () => {
    expect(problems({ version: 'latest' })).toEqual([`version: "latest" is not a kind release; write it as v0.29.0 (${KNOWN})`])
    expect(problems({ version: 'v0.17.0' })).toEqual([
      `version: v0.17.0 is not a kind release this action knows the default node image of; ${KNOWN}; or set node_image or kubernetes_version`
    ])
  })

  it('only warns about an unknown release when node_image already chooses the image', () => {
    const inputs = parse({ version: 'v0.17.0', node_image: 'kindest/node:v1.25.3' })
    expect(inputs.kindVersion).toBe('')
    expect(inputs.warnings).toEqual([
      `version: v0.17.0 is not a kind release this action knows (${KNOWN}); the cluster is made from the node image you chose, as kind v0.33.0 makes it`
    ])
  })
})

describe('the kind release table', () => {
  it('lists every minor release from v0.20 to v0.33 once, oldest first, each image digest-pinned at its Kubernetes version', () => {
    expect(KIND_RELEASES.map(r => r.kind)).toEqual(Array.from({ length: 14 }, (_, i) => `v0.${20 + i}.0`))
    for (const release of KIND_RELEASES) {
      expect(release.image).toMatch(new RegExp(`^kindest/node:v${release.kubernetesVersion.replace(/\./g, '\\.')}@sha256:[0-9a-f]{64}$`))
    }
    expect(new Set(KIND_RELEASES.map(r => r.image)).size).toBe(KIND_RELEASES.length)
  })

  it("ends with the release this action follows, whose image is node-images.ts's default", () => {
    expect(KIND_RELEASES.at(-1)).toEqual({ kind: 'v0.33.0', kubernetesVersion: '1.37.0', image: defaultNodeImage() })
  })
})

describe('install_only, ignore_failed_clean, verbosity, cloud_provider', () => {
  it('reads good values', () => {
    const inputs = parse({ install_only: 'true', ignore_failed_clean: 'true', verbosity: '2', cloud_provider: 'false' })
    expect([inputs.installOnly, inputs.ignoreFailedClean, inputs.verbosity]).toEqual([true, true, 2])
    expect(parse({ verbosity: '0' }).verbosity).toBe(0)
  })

  it('refuses bad values, each problem naming its input', () => {
    expect(problems({ install_only: 'maybe', ignore_failed_clean: 'sure', verbosity: '-1' })).toEqual([
      'verbosity: "-1" is not a whole number >= 0 (0: the usual log, 1: every Docker call, 2: also each node command\'s output)',
      'install_only: "maybe" is not a boolean; use true or false',
      'ignore_failed_clean: "sure" is not a boolean; use true or false'
    ])
    expect(problems({ verbosity: 'high' })[0]).toMatch(/^verbosity: "high" is not a whole number/)
  })

  it('refuses cloud_provider: true, saying what differs and what to do', () => {
    expect(problems({ cloud_provider: 'true' })).toEqual([
      'cloud_provider: helm/kind-action runs cloud-provider-kind on the runner so that LoadBalancer Services get an address; this action does not. ' +
        'Remove cloud_provider and start cloud-provider-kind in a later step (go install sigs.k8s.io/cloud-provider-kind@latest, then run it in the background), or use NodePort Services'
    ])
    expect(problems({ cloud_provider: 'yes please' })).toEqual(['cloud_provider: "yes please" is not a boolean; use true or false'])
  })

  it("accepts helm's wait and kubectl_version formats", () => {
    expect(['0', '0s', '60s', '5m', '1m30s', '120'].map(wait => parse({ wait }).waitMs)).toEqual([0, 0, 60_000, 300_000, 90_000, 120_000])
    expect(parse({ kubectl_version: 'v1.35.0' }).kubectlVersion).toBe('v1.35.0')
  })
})

describe('older spellings', () => {
  it('reads each as the input it became, with a deprecation warning naming the new input', () => {
    const inputs = parse({ 'node-image': 'kindest/node:v1.37.2', name: 'ci', log_level: 'debug', skipClusterCreation: 'false' })
    expect([inputs.nodeImage, inputs.clusterName, inputs.verbosity, inputs.installOnly]).toEqual(['kindest/node:v1.37.2', 'ci', 1, false])
    expect(inputs.warnings).toEqual([
      'node-image is deprecated (from helm/kind-action v1.0): use node_image instead',
      'name is deprecated (from helm/kind-action v1.0 and engineerd/setup-kind): use cluster_name instead',
      'log_level is deprecated (from helm/kind-action before v1.3): use verbosity: 1 instead',
      'skipClusterCreation is deprecated (from engineerd/setup-kind): use install_only instead'
    ])
    expect(parse({ image: 'my/node:1' }).nodeImage).toBe('my/node:1')
    expect(parse({ 'log-level': 'trace' }).verbosity).toBe(2)
    expect(parse({ 'log-level': 'info' }).verbosity).toBe(0)
  })

  it('refuses old and new spellings with different values, naming both; the same value is only a warning', () => {
    expect(problems({ 'node-image': 'a:1', node_image: 'b:2' })).toEqual([
      'node-image / node_image: both are set, to "a:1" and "b:2"; node-image is the old name of node_image, keep only node_image'
    ])
    expect(problems({ 'node-image': 'a:1', image: 'b:2' })).toEqual([
      'image / node_image: both are set, to "b:2" and "a:1"; image is the old name of node_image, keep only node_image'
    ])
    expect(parse({ name: 'ci', cluster_name: 'ci' }).warnings).toHaveLength(1)
  })

  it('refuses an old value that means nothing in the new terms', () => {
    expect(problems({ log_level: 'loud' })).toEqual(['log_level (deprecated, now verbosity): "loud" means nothing as verbosity; set verbosity instead'])
    expect(problems({ name: 'My_Cluster' })).toEqual(['cluster_name: "My_Cluster" may only contain lower-case letters, digits, "." and "-"'])
  })

  it('warns that install_local_path_provisioner is not needed', () => {
    expect(parse({ install_local_path_provisioner: 'true' }).warnings).toEqual([
      'install_local_path_provisioner is no longer needed and is ignored: the node image already installs local-path-provisioner as the default StorageClass "standard"'
    ])
  })
})

describe('the default cluster name', () => {
  const nameOf = (values: Record<string, string>) => loadCluster(parse(values), {}).cluster.name

  it('is kind, unless an input only helm/kind-action has is given: then chart-testing, as helm names it', () => {
    expect(nameOf({})).toBe('kind')
    expect(nameOf({ node_image: 'kindest/node:v1.37.2', wait: '60s', kubectl_version: 'v1.35.0' })).toBe('kind')
    const helmOnlyInputs: Record<string, string>[] = [{ version: 'v0.31.0' }, { install_only: 'false' }, { ignore_failed_clean: 'true' }, { verbosity: '0' }, { cloud_provider: 'false' }, { 'node-image': 'x:1' }, { log_level: 'info' }]
    for (const helmOnly of helmOnlyInputs) {
      expect(nameOf(helmOnly)).toBe('chart-testing')
    }
  })

  it("counts registry inputs only when they differ from helm's defaults (this action's defaults may equal them)", () => {
    expect(nameOf({ registry: 'false', registry_image: 'registry:2', registry_name: 'kind-registry', registry_port: '5000' })).toBe('kind')
    expect(nameOf({ registry: 'true' })).toBe('chart-testing')
    expect(nameOf({ registry_port: '5001' })).toBe('chart-testing')
  })

  it("gives way to the config's name and to cluster_name", () => {
    const config = 'kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nname: from-config\n'
    expect(nameOf({ version: 'v0.31.0', config })).toBe('from-config')
    expect(nameOf({ version: 'v0.31.0', config, cluster_name: 'given' })).toBe('given')
    expect(nameOf({ version: 'v0.31.0', name: 'old-spelling' })).toBe('old-spelling')
  })

  it('is found by the post step by the same rule when the main step saved no state', () => {
    expect(parsePostInputs(reader({ version: 'v0.31.0' }), '/nowhere').clusterName).toBe('chart-testing')
    expect(parsePostInputs(reader({ name: 'old' }), '/nowhere').clusterName).toBe('old')
    expect(parsePostInputs(reader({}), '/nowhere').clusterName).toBe('kind')
  })
})

describe('readPostFlags', () => {
  it('tells the post step about install_only (also as skipClusterCreation) and verbosity; bad values are defaults', () => {
    expect(readPostFlags(reader({ install_only: 'true', verbosity: '1' }))).toEqual({ installOnly: true, verbosity: 1 })
    expect(readPostFlags(reader({ skipClusterCreation: 'true', log_level: 'debug' }))).toEqual({ installOnly: true, verbosity: 1 })
    expect(readPostFlags(reader({ install_only: 'maybe', verbosity: 'x' }))).toEqual({ installOnly: false, verbosity: 0 })
  })
})
