// Real `with:` blocks of helm/kind-action from public workflows, replayed against this action as a
// workflow would run them after changing only the `uses:` line. For each block: what helm/kind-action
// does with it (read from its action.yml, main.sh and kind.sh at da962b4), what this action does, and,
// where they differ, why.
//
// Substitutions, because nothing can be pulled here: every node image a block names (or that its
// `version` picks) is replaced by the locally built one (NODE_IMAGE, from the harness's fixtures());
// before that, the image the block would get is checked through the action's own input rules. kubectl
// releases (`kubectl_version`, install_only) come from a server on 127.0.0.1 with dl.k8s.io's URL layout
// that serves the node image's own kubectl under every version (dl.k8s.io cannot be reached).
// Config files the blocks name are written into the runner's workspace with the content they have in
// their repositories. `${{ ... }}` expressions are replaced by the value they take in that workflow.
//
// To save CPU, blocks whose clusters have the same shape (nodes and config) share one real cluster:
// the representative runs through dist/main and dist/post (cluster name, context kind-<name>, kubeconfig
// file, every node Ready, nothing left after post); every block that shares it is checked through the
// same input rules (src/inputs.ts, src/cluster-config.ts) to make exactly that cluster shape, under its
// own name. Blocks that fail or create nothing are cheap and all run through dist/main.
//
// The blocks run one after another (vitest runs a file's tests in order), each cluster deleted before
// the next is made. Their cluster names are the blocks' own (chart-testing, kind, ...), since the name is
// what is under test; the action refuses a name already taken and post deletes only what it created.
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { InputError, parseInputs } from '../../src/inputs.js'
import { loadCluster } from '../../src/cluster-config.js'
import { findKindRelease } from '../../src/kind-releases.js'
import { ensureRegistryImage } from '../helpers/registry.js'
import { NODE_IMAGE, containersOf, docker, jobEnv, kind, kubeconfigContexts, kubectl, newRunner, retry, runMain, runPost, sh, type Runner } from './harness.js'

const WORKER_CONFIG_2 = 'kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnodes:\n- role: control-plane\n- role: worker\n- role: worker\n'
const WORKER_CONFIG_3 = 'kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnodes:\n  - role: control-plane\n  - role: worker\n  - role: worker\n  - role: worker\n'
const swapNode = (role: string) => `  - role: ${role}
    kubeadmConfigPatches:
      #language=yaml
      - |
        apiVersion: kubelet.config.k8s.io/v1beta1
        kind: KubeletConfiguration
        failSwapOn: false
        memorySwap:
          swapBehavior: LimitedSwap
`
const PROMETHEUS_CONFIG = `kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnodes:\n${swapNode('control-plane')}\n${swapNode('worker')}\n${swapNode('worker')}`
const KYVERNO_CONFIG = `kind: Cluster
apiVersion: kind.x-k8s.io/v1alpha4
kubeadmConfigPatches:
  - |-
    kind: ClusterConfiguration
    controllerManager:
      extraArgs:
        bind-address: 0.0.0.0
    etcd:
      local:
        extraArgs:
          listen-metrics-urls: http://0.0.0.0:2382
    scheduler:
      extraArgs:
        bind-address: 0.0.0.0
  - |-
    kind: KubeProxyConfiguration
    metricsBindAddress: 0.0.0.0
nodes:
  - role: control-plane
    kubeadmConfigPatches:
      - |-
        kind: InitConfiguration
        nodeRegistration:
          kubeletExtraArgs:
            node-labels: "ingress-ready=true"
    extraPortMappings:
      - containerPort: 80
        hostPort: 80
        protocol: TCP
      - containerPort: 443
        hostPort: 443
        protocol: TCP
  - role: worker
`

/** What a block does, with helm/kind-action and here. */
interface Block {
  id: string
  /** repo, path (and job or step) of the workflow the block is from. */
  source: string
  with: Record<string, string>
  /** Files of the block's repository that it names, by the path it names them. */
  files?: Record<string, string>
  /** The cluster helm/kind-action makes: its name and node roles; or that it makes none. */
  helm: { cluster: string; roles: string[]; registry?: { name: string; port: number; enableDelete: boolean } } | { installOnly: true }
  /** What this action does, when not what helm does, and why. */
  here?: { cluster?: string; fails?: RegExp; reason: string }
  /** Warnings this action gives for the block. */
  warnings?: RegExp[]
  /** The image the block gets before substitution (checked through the input rules). */
  image?: string
  /** Another block whose real cluster this one shares (same shape); absent for representatives. */
  shares?: string
  /** Not replayed yet, and why (a feature another change brings). */
  pending?: string
  /** Not created here, and why; the block is then checked through the input rules only. */
  planOnly?: string
  /** What a cgroup v1 host (this project's machines; GitHub's runners are cgroup v2) does instead. */
  onCgroupV1?: { fails: RegExp; reason: string }
}

// GitHub's hosted runners are cgroup v2; the machines this suite runs on are cgroup v1 (DESIGN.md).
const CGROUP_V1 = execFileSync('stat', ['-fc', '%T', '/sys/fs/cgroup'], { encoding: 'utf8' }).trim() !== 'cgroup2fs'

const CP = ['control-plane']
const HELM_DEFAULT_NAME_REASON =
  'no helm-only input and no cluster_name: helm names it chart-testing, this action kind (its rule: chart-testing only for a workflow that passes an input only helm has); later kubectl/ct use the current context either way'

const BLOCKS: Block[] = [
  // helm/kind-action's own workflow, one job per input.
  { id: 'helm-test-with-custom-verbosity', source: 'helm/kind-action .github/workflows/test.yaml (test-with-custom-verbosity)', with: { verbosity: '10' }, helm: { cluster: 'chart-testing', roles: CP }, here: { reason: 'same cluster; verbosity logs Docker calls and node command output instead of kind\'s own debug lines' } },
  { id: 'helm-test-default', source: 'helm/kind-action .github/workflows/test.yaml (test-default)', with: {}, helm: { cluster: 'chart-testing', roles: CP }, here: { cluster: 'kind', reason: HELM_DEFAULT_NAME_REASON }, shares: 'helm-test-with-custom-kubectl-version' },
  { id: 'helm-test-with-custom-wait', source: 'helm/kind-action .github/workflows/test.yaml (test-with-custom-wait)', with: { wait: '120s' }, helm: { cluster: 'chart-testing', roles: CP }, here: { cluster: 'kind', reason: HELM_DEFAULT_NAME_REASON }, shares: 'helm-test-with-custom-kubectl-version' },
  { id: 'helm-test-with-custom-name', source: 'helm/kind-action .github/workflows/test.yaml (test-with-custom-name)', with: { cluster_name: 'custom-name' }, helm: { cluster: 'custom-name', roles: CP }, shares: 'helm-test-with-custom-kubeconfig' },
  { id: 'helm-test-with-install-only', source: 'helm/kind-action .github/workflows/test.yaml (test-with-install-only)', with: { install_only: 'true' }, helm: { installOnly: true } },
  { id: 'helm-test-with-custom-kind-version', source: 'helm/kind-action .github/workflows/test.yaml (test-with-custom-kind-version)', with: { version: 'v0.23.0' }, image: findKindRelease('v0.23.0')!.image, helm: { cluster: 'chart-testing', roles: CP }, shares: 'helm-test-with-custom-verbosity' },
  // env KUBECONFIG: "./kubeconfig" at job level, relative to the workspace; the harness runs steps from the
  // repository checkout, so it becomes the workspace's absolute path (see kubeconfigIn).
  { id: 'helm-test-with-custom-kubeconfig', source: 'helm/kind-action .github/workflows/test.yaml (test-with-custom-kubeconfig)', with: { kubeconfig: '${{ env.KUBECONFIG }}', cluster_name: 'kube-config-test' }, helm: { cluster: 'kube-config-test', roles: CP } },
  { id: 'helm-test-with-custom-kubectl-version', source: 'helm/kind-action .github/workflows/test.yaml (test-with-custom-kubectl-version)', with: { kubectl_version: 'v1.31.0' }, helm: { cluster: 'chart-testing', roles: CP }, here: { cluster: 'kind', reason: HELM_DEFAULT_NAME_REASON } },
  { id: 'helm-test-with-custom-node-image', source: 'helm/kind-action .github/workflows/test.yaml (test-with-custom-node-image)', with: { node_image: 'kindest/node:v1.31.0' }, image: 'kindest/node:v1.31.0', helm: { cluster: 'chart-testing', roles: CP }, here: { cluster: 'kind', reason: HELM_DEFAULT_NAME_REASON }, shares: 'helm-test-with-custom-kubectl-version' },
  { id: 'helm-test-with-ignore-failed-clean', source: 'helm/kind-action .github/workflows/test.yaml (test-with-ignore-failed-clean)', with: { kubectl_version: 'v1.31.0', ignore_failed_clean: 'true' }, helm: { cluster: 'chart-testing', roles: CP }, shares: 'helm-test-with-custom-verbosity' },
  { id: 'helm-test-without-registry', source: 'helm/kind-action .github/workflows/test.yaml (test-without-registry)', with: { registry: 'false' }, helm: { cluster: 'chart-testing', roles: CP }, here: { cluster: 'kind', reason: 'registry: false is helm\'s default, so it does not mark the workflow as helm\'s (this action\'s registry input may default to false too): the name is kind, as for ' + 'test-default' }, shares: 'helm-test-with-custom-kubectl-version' },
  { id: 'helm-test-with-registry', source: 'helm/kind-action .github/workflows/test.yaml (test-with-registry)', with: { registry: 'true', registry_name: 'custom-registry', registry_port: '5001' }, helm: { cluster: 'chart-testing', roles: CP, registry: { name: 'custom-registry', port: 5001, enableDelete: false } } },
  { id: 'helm-test-with-registry-delete', source: 'helm/kind-action .github/workflows/test.yaml (test-with-registry-delete-enabled)', with: { registry: 'true', registry_name: 'custom-registry', registry_port: '5001', registry_enable_delete: 'true' }, helm: { cluster: 'chart-testing', roles: CP, registry: { name: 'custom-registry', port: 5001, enableDelete: true } }, shares: 'helm-test-with-registry' },
  { id: 'helm-test-with-cloud-provider', source: 'helm/kind-action .github/workflows/test.yaml (test-with-cloud-provider)', with: { cloud_provider: 'true' }, helm: { cluster: 'chart-testing', roles: CP }, here: { fails: /cloud_provider: helm\/kind-action runs cloud-provider-kind on the runner .* this action does not/, reason: 'this action does not run cloud-provider-kind: the step fails before anything is created, saying what to do instead' } },
  // Other public workflows.
  { id: 'charts-repo-actions-demo', source: 'helm/charts-repo-actions-demo .github/workflows/lint-test.yaml', with: {}, helm: { cluster: 'chart-testing', roles: CP }, here: { cluster: 'kind', reason: HELM_DEFAULT_NAME_REASON + ' (ct install)' }, shares: 'helm-test-with-custom-kubectl-version' },
  { id: 'external-secrets', source: 'external-secrets/external-secrets .github/workflows/helm.yml', with: {}, helm: { cluster: 'chart-testing', roles: CP }, here: { cluster: 'kind', reason: HELM_DEFAULT_NAME_REASON + ' (ct install)' }, shares: 'helm-test-with-custom-kubectl-version' },
  { id: 'traefik-helm-chart', source: 'traefik/traefik-helm-chart .github/workflows/test.yaml', with: {}, helm: { cluster: 'chart-testing', roles: CP }, here: { cluster: 'kind', reason: HELM_DEFAULT_NAME_REASON + ' (kubectl apply)' }, shares: 'helm-test-with-custom-kubectl-version' },
  { id: 'metrics-server', source: 'kubernetes-sigs/metrics-server .github/workflows/lint-test-chart.yaml', with: { wait: '120s' }, helm: { cluster: 'chart-testing', roles: CP }, here: { cluster: 'kind', reason: HELM_DEFAULT_NAME_REASON + ' (ct install)' }, shares: 'helm-test-with-custom-kubectl-version' },
  { id: 'external-dns', source: 'kubernetes-sigs/external-dns .github/workflows/lint-test-chart.yaml', with: { wait: '120s' }, helm: { cluster: 'chart-testing', roles: CP }, here: { cluster: 'kind', reason: HELM_DEFAULT_NAME_REASON + ' (ct install)' }, shares: 'helm-test-with-custom-kubectl-version' },
  { id: 'kedacore-ci-core', source: 'kedacore/charts .github/workflows/ci-core.yml (matrix kindImage for v1.35)', with: { node_image: 'kindest/node:v1.35.0@sha256:452d707d4862f52530247495d180205e029056831160e22870e37e3f6c1ac31f' }, image: 'kindest/node:v1.35.0@sha256:452d707d4862f52530247495d180205e029056831160e22870e37e3f6c1ac31f', helm: { cluster: 'chart-testing', roles: CP }, here: { cluster: 'kind', reason: HELM_DEFAULT_NAME_REASON }, shares: 'helm-test-with-custom-kubectl-version' },
  // helm downloads kind v0.13.0 and runs the matrix image with it; here the image is run as kind v0.33 runs it.
  { id: 'kedacore-cosmos-db', source: 'kedacore/charts .github/workflows/ci-external-scaler-azure-cosmos-db.yml (matrix kindImage for v1.24)', with: { version: 'v0.13.0', node_image: 'kindest/node:v1.24.0@sha256:406fd86d48eaf4c04c7280cd1d2ca1d61e7d0d61ddef0125cb097bc7b82ed6a1' }, image: 'kindest/node:v1.24.0@sha256:406fd86d48eaf4c04c7280cd1d2ca1d61e7d0d61ddef0125cb097bc7b82ed6a1', warnings: [/^version: v0\.13\.0 is not a kind release this action knows/], helm: { cluster: 'chart-testing', roles: CP }, here: { reason: 'same cluster name and shape, with a warning: kind v0.13.0 is not run, the image is made into a cluster as kind v0.33.0 does (a 1.24 image may not boot with it; here it is substituted)' }, shares: 'helm-test-with-custom-verbosity' },
  // inputs.kind_kubectl_version and inputs.kind_node_image of a reusable workflow, not set by its callers: empty.
  { id: 'grafana-helm-charts', source: 'grafana/helm-charts .github/workflows/lint-test.yaml', with: { kubectl_version: '', node_image: '' }, helm: { cluster: 'chart-testing', roles: CP }, here: { cluster: 'kind', reason: HELM_DEFAULT_NAME_REASON + ' (ct install)' }, shares: 'helm-test-with-custom-kubectl-version' },
  { id: 'descheduler-install-kind', source: 'kubernetes-sigs/descheduler .github/workflows/manifests.yaml (Install kind)', with: { version: 'v0.31.0', kubectl_version: 'v1.36.1', install_only: 'true' }, helm: { installOnly: true }, here: { reason: 'kubectl v1.36.1 is installed as with helm; the kind binary is not downloaded (this action brings its own kind command)' } },
  // node_image is the image the job built with `kind build node-image` in the step before: a local image, as here.
  { id: 'descheduler-create', source: 'kubernetes-sigs/descheduler .github/workflows/manifests.yaml (Create kind cluster)', with: { node_image: 'localhost/kindest/node:v1.36.1', kubectl_version: 'v1.36.1', config: 'test/kind-config.yaml', version: 'v0.31.0' }, files: { 'test/kind-config.yaml': WORKER_CONFIG_2 }, image: 'localhost/kindest/node:v1.36.1', helm: { cluster: 'chart-testing', roles: ['control-plane', 'worker', 'worker'] } },
  { id: 'argo-helm', source: 'argoproj/argo-helm .github/workflows/lint-and-test.yml', with: { config: '.github/configs/kind-config.yaml' }, files: { '.github/configs/kind-config.yaml': WORKER_CONFIG_3 }, helm: { cluster: 'chart-testing', roles: ['control-plane', 'worker', 'worker', 'worker'] }, here: { cluster: 'kind', reason: HELM_DEFAULT_NAME_REASON + ' (ct install)' } },
  { id: 'prometheus-community', source: 'prometheus-community/helm-charts .github/workflows/ci.yaml', with: { config: '.github/linters/kind.yaml', ignore_failed_clean: 'true' }, files: { '.github/linters/kind.yaml': PROMETHEUS_CONFIG }, helm: { cluster: 'chart-testing', roles: ['control-plane', 'worker', 'worker'] },
    // Measured here: the upstream kind CLI v0.33.0 fails the same way on this host, its kubelet exiting with the same words.
    onCgroupV1: { fails: /::error::.*the kubelet on node chart-testing-control-plane does not start: failed to run Kubelet: swap feature is enabled and LimitedSwap but it is only supported with cgroupv2/, reason: 'its KubeletConfiguration asks for swapBehavior: LimitedSwap, which the kubelet runs on cgroup v2 only (as on GitHub\'s runners); on this cgroup v1 host the step fails, naming the kubelet\'s reason, and leaves nothing' } },
  { id: 'kyverno-install-only', source: 'kyverno/kyverno .github/actions/tools/kind/action.yaml', with: { install_only: 'true' }, helm: { installOnly: true } },
  { id: 'kyverno-conformance', source: 'kyverno/kyverno .github/workflows/tests-conformance.yaml (node_image kindest/node:v1.33.1 step)', with: { node_image: 'kindest/node:v1.33.1', cluster_name: 'kind', config: './scripts/config/kind/default.yaml' }, files: { 'scripts/config/kind/default.yaml': KYVERNO_CONFIG }, image: 'kindest/node:v1.33.1', helm: { cluster: 'kind', roles: ['control-plane', 'worker'] }, planOnly: 'its config binds host ports 80 and 443, which a shared test machine cannot promise to have free' }
]

const expectedName = (b: Block): string | undefined => b.here?.cluster ?? ('cluster' in b.helm ? b.helm.cluster : undefined)
const rolesOf = (b: Block): string[] => ('roles' in b.helm ? b.helm.roles : [])
const sameAsHelm = (b: Block): boolean => !b.pending && b.here?.cluster === undefined && b.here?.fails === undefined

/** A workspace holding the block's files; its absolute path replaces the relative KUBECONFIG of helm's job. */
function workspaceFor(block: Block, base: string): string {
  const workspace = join(base, 'workspace')
  for (const [path, text] of Object.entries(block.files ?? {})) {
    mkdirSync(dirname(join(workspace, path)), { recursive: true })
    writeFileSync(join(workspace, path), text)
  }
  return workspace
}

function kubeconfigIn(workspace: string): string {
  return join(workspace, 'kubeconfig')
}

/** The block's inputs with `${{ env.KUBECONFIG }}` evaluated, as the runner evaluates it. */
function evaluated(block: Block, workspace: string): Record<string, string> {
  return Object.fromEntries(Object.entries(block.with).map(([k, v]) => [k, v === '${{ env.KUBECONFIG }}' ? kubeconfigIn(workspace) : v]))
}

/**
 * The block's inputs as replayed: the image substituted by the local one (see the top of the file), also
 * when the block names none, since the default image (kind v0.33.0's, digest-pinned) cannot be pulled here.
 */
function substituted(inputs: Record<string, string>): Record<string, string> {
  return { ...inputs, node_image: NODE_IMAGE }
}

/** What the action's own input rules make of the inputs: the cluster's name, image and shape, or the error. */
function plan(inputs: Record<string, string>, workspace: string) {
  try {
    const parsed = parseInputs(name => inputs[name] ?? '')
    if (parsed.installOnly) return { installOnly: true as const, warnings: parsed.warnings }
    const { cluster, nodeImage } = loadCluster(parsed, { GITHUB_WORKSPACE: workspace })
    const shape = JSON.stringify({ ...cluster, name: undefined, nodes: cluster.nodes.map(n => ({ ...n, image: undefined })) })
    return { name: cluster.name, roles: cluster.nodes.map(n => n.role), image: nodeImage, shape, registry: parsed.registry, warnings: parsed.warnings }
  } catch (error) {
    if (error instanceof InputError) return { error: error.message }
    throw error
  }
}

let server: Server
let kubectlUrl = ''
const scratch = mkdtempSync(join(tmpdir(), 'helm-inputs-replay-'))

/** The node image's own kubectl, served under every release path (the real binary; dl.k8s.io is not reachable). */
async function serveKubectl(): Promise<void> {
  const id = (await docker(['create', NODE_IMAGE, 'true'])).trim()
  try {
    await docker(['cp', `${id}:/usr/bin/kubectl`, join(scratch, 'kubectl')])
  } finally {
    await docker(['rm', id])
  }
  const binary = readFileSync(join(scratch, 'kubectl'))
  const sum = createHash('sha256').update(binary).digest('hex')
  server = createServer((req, res) => {
    const url = req.url ?? ''
    if (/^\/v\d+\.\d+\.\d+\/bin\/linux\/\w+\/kubectl$/.test(url)) return res.end(binary)
    if (/^\/v\d+\.\d+\.\d+\/bin\/linux\/\w+\/kubectl\.sha256$/.test(url)) return res.end(sum)
    res.statusCode = 404
    res.end('not found')
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  kubectlUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`
}

beforeAll(async () => {
  await docker(['image', 'inspect', NODE_IMAGE])
  if (REAL_REPLAYS) ensureRegistryImage()
  await serveKubectl()
})

afterAll(() => {
  server?.close()
  rmSync(scratch, { recursive: true, force: true })
})

/** Runs a block through dist/main and dist/post; returns both results and the runner (its job env). */
async function replay(block: Block) {
  const runner: Runner = newRunner()
  const workspace = workspaceFor(block, runner.base)
  const inputs = substituted(evaluated(block, workspace))
  if (block.with.kubeconfig === '${{ env.KUBECONFIG }}') runner.env.KUBECONFIG = kubeconfigIn(workspace)
  // Through the runner's env, which every step of the job gets (the action reads it for kubectl releases).
  runner.env.KIND_ACTION_KUBECTL_RELEASE_URL = kubectlUrl
  const main = await runMain(runner, inputs)
  return { runner, workspace, inputs, main }
}

// The replays through dist/main make one real cluster each (about 14): they run with
// KIND_ACTION_HELM_REPLAY=1 (hack/test.sh helm-replay), not yet in npm test's e2e tier, because they have not
// yet been run against a real cluster in a landed build. The plan-level checks above them always run.
const REAL_REPLAYS = process.env.KIND_ACTION_HELM_REPLAY === '1' && process.env.KIND_ACTION_SPEEDUPS !== 'off'

describe('helm/kind-action with: blocks replayed against this action', () => {
  it('has at least 15 blocks to replay, each citing its source', () => {
    expect(BLOCKS.filter(b => !b.pending).length).toBeGreaterThanOrEqual(15)
    for (const b of BLOCKS) expect(b.source).toMatch(/^[\w.-]+\/[\w.-]+ \S+/)
  })

  for (const block of BLOCKS) {
    if (block.pending) {
      it.skip(`${block.id}: pending — ${block.pending}`, () => undefined)
      continue
    }
    const workspace = workspaceFor(block, mkdtempSync(join(scratch, 'plan-')))
    const inputs = evaluated(block, workspace)

    it(`${block.id} (${block.source}): the inputs choose ${block.image ?? 'the default image'} and the expected cluster`, () => {
      const chosen = plan(inputs, workspace)
      if (block.here?.fails) return expect('error' in chosen && chosen.error).toMatch(block.here.fails)
      if ('installOnly' in block.helm) return expect(chosen).toMatchObject({ installOnly: true })
      expect(chosen).toMatchObject({ name: expectedName(block), roles: rolesOf(block) })
      if (block.image) expect('image' in chosen && chosen.image).toBe(block.image)
      const registry = 'registry' in block.helm ? block.helm.registry : undefined
      expect('registry' in chosen ? chosen.registry : undefined).toEqual(registry && { ...registry, image: 'registry:2' })
      expect(chosen.warnings ?? []).toHaveLength(block.warnings?.length ?? 0)
      for (const [i, warning] of (block.warnings ?? []).entries()) expect(chosen.warnings?.[i]).toMatch(warning)
    })

    if (block.shares) {
      it(`${block.id}: makes the same cluster shape as ${block.shares}, which is replayed for real`, () => {
        const representative = BLOCKS.find(b => b.id === block.shares)!
        const mine = plan(substituted(inputs), workspace)
        const theirs = plan(substituted(evaluated(representative, workspace)), workspace)
        expect('shape' in mine && mine.shape).toBe('shape' in theirs && theirs.shape)
      })
      continue
    }
    if (block.planOnly) {
      it.skip(`${block.id}: not created here — ${block.planOnly}`, () => undefined)
      continue
    }

    it.skipIf(!REAL_REPLAYS)(`${block.id}: through dist/main and dist/post`, async () => {
      const { runner, main } = await replay(block)
      const name = expectedName(block)
      try {
        if (block.here?.fails) {
          expect(main.exitCode).toBe(1)
          expect(main.log).toMatch(block.here.fails)
          expect(await containersOf(helmName(block))).toEqual([])
          return
        }
        if (CGROUP_V1 && block.onCgroupV1) {
          expect(main.exitCode).toBe(1)
          expect(main.log.split('\n').filter(l => l.startsWith('::error::'))).toHaveLength(1)
          expect(main.log).toMatch(block.onCgroupV1.fails)
          return
        }
        expect(main.exitCode, main.log.slice(-4000)).toBe(0)
        for (const warning of block.warnings ?? []) expect(main.log).toMatch(new RegExp(`::warning::${warning.source.replace(/^\^/, '')}`))
        if (block.with.version && findKindRelease(block.with.version)) expect(runner.env.KIND_ACTION_KIND_VERSION).toBe(findKindRelease(block.with.version)!.kind)
        if ('installOnly' in block.helm) {
          // Nothing created; kubectl on PATH for later steps, as helm puts it there.
          expect(main.log).toContain('install_only is true')
          expect(await containersOf(helmName(block))).toEqual([])
          expect(await sh('kubectl', ['version', '--client'], jobEnv(runner))).toMatch(/Client Version: v\d+\.\d+\.\d+/)
          return
        }
        expect(main.outputs.cluster_name).toBe(name)
        expect(main.outputs.context).toBe(`kind-${name}`)
        if (block.with.kubeconfig) expect(main.outputs.kubeconfig).toBe(runner.env.KUBECONFIG)
        expect(existsSync(main.outputs.kubeconfig)).toBe(true)
        expect(kubeconfigContexts(main.outputs.kubeconfig)).toContain(`kind-${name}`)
        expect((await kubectl(runner, ['config', 'current-context'])).trim()).toBe(`kind-${name}`)
        const ready = await retry('every node Ready', async () => {
          const status = await kubectl(runner, ['get', 'nodes', '-o', 'jsonpath={.items[*].status.conditions[?(@.type=="Ready")].status}'])
          const values = status.split(' ').filter(Boolean)
          if (values.length !== rolesOf(block).length || values.some(v => v !== 'True')) throw new Error(`nodes Ready: ${status}`)
          return values
        })
        expect(ready).toHaveLength(rolesOf(block).length)
        await laterStepKindCommands(runner, name!, rolesOf(block).length)
        const registry = 'registry' in block.helm ? block.helm.registry : undefined
        if (registry) {
          expect(runner.env.LOCAL_REGISTRY).toBe(`localhost:${registry.port}`)
          expect(await docker(['inspect', '-f', '{{.State.Running}} {{json .NetworkSettings.Networks}}', registry.name])).toMatch(/^true .*"kind"/)
        }
        if (block.with.verbosity && Number(block.with.verbosity) > 0) expect(main.log).toMatch(/^docker exec \S+-control-plane .* → exit \d+, [\d.]+ s$/m)
      } finally {
        const post = await runPost(runner, main.step)
        expect(post.exitCode).toBe(0)
        if (name) expect(await containersOf(name)).toEqual([])
        const registry = 'registry' in block.helm ? block.helm.registry : undefined
        if (registry) expect(await docker(['ps', '-aq', '--filter', `name=^${registry.name}$`])).toBe('')
      }
    })
  }

  it('counts the blocks that behave as with helm/kind-action, and lists each difference with its reason', () => {
    const replayed = BLOCKS.filter(b => !b.pending)
    const same = replayed.filter(sameAsHelm)
    const differences = replayed.filter(b => !sameAsHelm(b)).map(b => `${b.id}: ${b.here?.reason}`)
    const hostOnly = replayed.filter(b => CGROUP_V1 && b.onCgroupV1).map(b => `${b.id}: ${b.onCgroupV1?.reason}`)
    console.info(`${same.length} of ${replayed.length} replayed blocks behave as with helm/kind-action; differences:\n${differences.join('\n')}`)
    if (hostOnly.length) console.info(`on this cgroup v1 host only (GitHub's runners are cgroup v2):\n${hostOnly.join('\n')}`)
    expect(same.length + differences.length).toBe(replayed.length)
    for (const b of replayed.filter(b => !sameAsHelm(b))) expect(b.here?.reason).toBeTruthy()
  })
})

/**
 * What later `run:` steps of these workflows call: `kind get clusters|nodes|kubeconfig`, once with the
 * `kind` the job's PATH has after the step (the action's own unless a kind v0.32+ was there) and once with
 * the upstream kind CLI v0.33.0; both must see the cluster the same way.
 */
async function laterStepKindCommands(runner: Runner, name: string, nodes: number): Promise<void> {
  const env = jobEnv(runner)
  const upstream = (args: string[]) => kind(args, env)
  const onPath = (args: string[]) => sh('kind', args, env)
  for (const run of [onPath, upstream]) {
    expect((await run(['get', 'clusters'])).split('\n')).toContain(name)
    const listed = (await run(['get', 'nodes', '--name', name])).trim().split('\n').sort()
    expect(listed).toEqual((await containersOf(name)).sort())
    expect(listed).toHaveLength(nodes)
    expect(await run(['get', 'kubeconfig', '--name', name])).toContain(`current-context: kind-${name}`)
  }
  expect(await onPath(['get', 'kubeconfig', '--name', name])).toBe(await upstream(['get', 'kubeconfig', '--name', name]))
}

/** The name helm would have used: where a failing block would have left containers. */
function helmName(block: Block): string {
  return 'cluster' in block.helm ? block.helm.cluster : block.here?.cluster ?? 'chart-testing'
}
