// The action's `kind` command (dist/kind-cli, put on PATH by the main step's kind_cli input) against
// the upstream kind CLI v0.33.0, the reference: the same later-step scripts run once with ours and once
// with kind's (first on PATH) on one cluster the action made (1 control plane + 1 worker), comparing exit
// codes, stdout, stderr where kind's is stable, and effects (images in the nodes' containerd, log files,
// kubeconfig files, containers). Then one cluster is created with each CLI (`kind create cluster --wait
// 60s`), which the other sees and deletes.
// Differences that are deliberate (README, "The kind command"): `kind version`'s text, the root help's
// command list (no build/completion), create's status lines (the action's phases, no closing "Not sure
// what to do next?") and the export logs file set (ours adds cluster-view/ and errors.txt).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { KIND_CLI, NODE_IMAGE, clusterThroughAction, containersOf, docker, filesBelow, kubeconfigContexts, laterStep, sh, type ScriptResult } from './harness.js'

// Fixed names with this file's prefix, so a run cut short is cleaned up by the next one (before).
const CLUSTER = 'kcli-e2e'
const BY_OURS = 'kcli-by-ours'
const BY_KIND = 'kcli-by-kind'
const IMAGE_PREFIX = 'kcli-e2e'
const work = mkdtempSync(join(tmpdir(), 'kind-cli-e2e-'))
// The upstream kind CLI as `kind`, for the same scripts: put first on PATH.
const upstreamBin = join(work, 'upstream-bin')
const FLAVOURS = ['ours', 'upstream'] as const
type Flavour = (typeof FLAVOURS)[number]

/** Tiny images of one file each, made here (no registry): one per flavour and way of loading. */
async function makeImages(): Promise<void> {
  // A run cut short leaves its clusters (all named kcli-, this file's), never anyone else's.
  for (const name of [CLUSTER, BY_OURS, BY_KIND]) {
    await sh(KIND_CLI, ['delete', 'cluster', '--name', name, '--kubeconfig', join(work, 'leftover')]).catch(() => undefined)
  }
  mkdirSync(upstreamBin, { recursive: true })
  symlinkSync(KIND_CLI, join(upstreamBin, 'kind'))
  const root = join(work, 'rootfs')
  mkdirSync(root)
  writeFileSync(join(root, 'hello.txt'), 'hello from the kind CLI e2e test\n')
  for (const flavour of FLAVOURS) {
    for (const kind of ['docker-image', 'archive']) {
      await sh('bash', ['-c', `tar -C ${root} -cf - . | docker import -c 'CMD ["/hello.txt"]' - ${IMAGE_PREFIX}/${kind}-${flavour}:v1 >/dev/null`])
    }
    await docker(['save', '-o', join(work, `archive-${flavour}.tar`), `${IMAGE_PREFIX}/archive-${flavour}:v1`])
  }
}

/** The clusters this file creates besides the action's, should a failed run have left them. */
async function removeLeftoverClusters(): Promise<void> {
  for (const name of [BY_OURS, BY_KIND]) {
    await sh(KIND_CLI, ['delete', 'cluster', '--name', name, '--kubeconfig', join(work, 'leftover')]).catch(() => undefined)
  }
}

async function removeImages(): Promise<void> {
  const refs = FLAVOURS.flatMap(f => [`${IMAGE_PREFIX}/docker-image-${f}:v1`, `${IMAGE_PREFIX}/archive-${f}:v1`])
  await docker(['rmi', '-f', ...refs]).catch(() => undefined)
}

const { runner, main } = clusterThroughAction(
  { cluster_name: CLUSTER, node_image: NODE_IMAGE, workers: '1', kind_cli: 'true' },
  {
    before: makeImages,
    after: async () => {
      await removeLeftoverClusters()
      await removeImages()
      rmSync(work, { recursive: true, force: true })
    }
  }
)

/** One script, run as a later step with our kind or with kind's. */
function step(flavour: Flavour, script: string, cwd = work): Promise<ScriptResult> {
  return laterStep(runner, script, { cwd, ...(flavour === 'upstream' ? { pathFirst: upstreamBin } : {}) })
}

/** The same script with both; the results side by side. */
async function both(script: string): Promise<Record<Flavour, ScriptResult>> {
  return { upstream: await step('upstream', script), ours: await step('ours', script) }
}

const same = (r: Record<Flavour, ScriptResult>) => ({ exitCode: r.ours.exitCode, stdout: r.ours.stdout })
const reference = (r: Record<Flavour, ScriptResult>) => ({ exitCode: r.upstream.exitCode, stdout: r.upstream.stdout })

/** Whether a node's containerd lists the image, as `crictl images` in the node shows it. */
async function imageInNode(node: string, ref: string): Promise<boolean> {
  const listed = JSON.parse(await docker(['exec', node, 'crictl', 'images', '-o', 'json'])) as { images: { repoTags?: string[] }[] }
  return listed.images.some(i => (i.repoTags ?? []).includes(ref))
}

describe('the kind command on PATH, against the upstream kind CLI', () => {
  const nodes = [`${CLUSTER}-control-plane`, `${CLUSTER}-worker`]

  it('is the action\'s CLI, named in the kind_cli output', async () => {
    const shim = join(runner.base, 'temp', 'kind-action-kind-cli', 'kind')
    expect(main.outputs.kind_cli).toBe(shim)
    const which = await step('ours', 'command -v kind')
    expect(which.stdout.trim()).toBe(shim)
    expect((await step('upstream', 'command -v kind')).stdout.trim()).toBe(join(upstreamBin, 'kind'))
  })

  it('kind get clusters lists the cluster, one name per line on stdout', async () => {
    // Other clusters may come and go on this machine meanwhile: ours must match one of two kind runs around it.
    const before = await step('upstream', 'kind get clusters')
    const ours = await step('ours', 'kind get clusters')
    const after = await step('upstream', 'kind get clusters')
    expect(ours.exitCode).toBe(0)
    expect(ours.stdout.split('\n')).toContain(CLUSTER)
    expect([before.stdout, after.stdout]).toContain(ours.stdout)
  })

  it('kind get nodes --name prints the same names in the same order', async () => {
    const r = await both(`kind get nodes --name ${CLUSTER}`)
    expect(same(r)).toEqual(reference(r))
    expect(r.ours.stdout.split('\n').filter(Boolean).sort()).toEqual(nodes)
    const none = await both('kind get nodes --name kcli-none')
    expect(same(none)).toEqual({ exitCode: 0, stdout: '' })
    expect(none.ours.stderr).toBe(none.upstream.stderr)
  })

  it('kind get kubeconfig prints the same bytes, external and --internal', async () => {
    for (const flags of ['', ' --internal']) {
      const r = await both(`kind get kubeconfig --name ${CLUSTER}${flags}`)
      expect(r.upstream.exitCode).toBe(0)
      expect(same(r)).toEqual(reference(r))
    }
  })

  // A flavour's stderr with its own image's name and ID made generic, to hold the two side by side.
  const generic = (text: string, flavour: Flavour) => text.replaceAll(`-${flavour}:`, '-F:').replace(/sha256:[0-9a-f]{64}/g, 'sha256:ID')

  it('kind load docker-image puts the image into every node, twice is a no-op', async () => {
    const stderr: Record<string, string[]> = { ours: [], upstream: [] }
    for (const flavour of FLAVOURS) {
      const image = `${IMAGE_PREFIX}/docker-image-${flavour}:v1`
      const first = await step(flavour, `kind load docker-image ${image} --name ${CLUSTER}`)
      expect({ flavour, exitCode: first.exitCode, stdout: first.stdout }).toEqual({ flavour, exitCode: 0, stdout: '' })
      for (const node of nodes) expect(await imageInNode(node, `docker.io/${image}`)).toBe(true)
      const again = await step(flavour, `kind load docker-image ${image} --name ${CLUSTER}`)
      expect({ flavour, exitCode: again.exitCode, stdout: again.stdout }).toEqual({ flavour, exitCode: 0, stdout: '' })
      expect(again.stderr).toContain('found to be already present on all nodes')
      stderr[flavour] = [generic(first.stderr, flavour), generic(again.stderr, flavour)]
    }
    // The same status lines ("not yet present on node ..., loading...", then "already present"), node by node.
    expect(stderr.ours).toEqual(stderr.upstream)
    const missing = await both(`kind load docker-image ${IMAGE_PREFIX}/absent:v1 --name ${CLUSTER}`)
    expect(same(missing)).toEqual(reference(missing))
    expect(missing.ours.stderr).toBe(missing.upstream.stderr)
  })

  it('kind load image-archive --nodes loads into the nodes named', async () => {
    for (const flavour of FLAVOURS) {
      const r = await step(flavour, `kind load image-archive archive-${flavour}.tar --name ${CLUSTER} --nodes ${CLUSTER}-worker`)
      expect({ flavour, exitCode: r.exitCode, stdout: r.stdout }).toEqual({ flavour, exitCode: 0, stdout: '' })
      const ref = `docker.io/${IMAGE_PREFIX}/archive-${flavour}:v1`
      expect(await imageInNode(`${CLUSTER}-worker`, ref)).toBe(true)
      expect(await imageInNode(`${CLUSTER}-control-plane`, ref)).toBe(false)
      // kind logs the archive's loading at -v 2 only: nothing on stderr at the default level.
      expect({ flavour, stderr: r.stderr }).toEqual({ flavour, stderr: '' })
    }
    const unknown = await both(`kind load image-archive archive-ours.tar --name ${CLUSTER} --nodes nope`)
    expect(same(unknown)).toEqual(reference(unknown))
    expect(unknown.ours.stderr).toBe(unknown.upstream.stderr)
  })

  it('kind export logs DIR prints DIR on stdout and writes kind\'s files (ours adds a cluster view)', async () => {
    const r = await both(`kind export logs "$PWD/logs-$(basename $(dirname $(command -v kind)))" --name ${CLUSTER}`)
    expect(r.upstream.exitCode).toBe(0)
    expect(r.ours.exitCode).toBe(0)
    expect(r.ours.stdout).toBe(`${work}/logs-kind-action-kind-cli\n`)
    expect(r.upstream.stdout).toBe(`${work}/logs-upstream-bin\n`)
    // The file set, up to each node's /var/log contents (which differ from minute to minute).
    const shape = (dir: string) => new Set(filesBelow(dir).map(f => f.split('/').slice(0, 2).join('/')))
    const kinds = shape(join(work, 'logs-upstream-bin'))
    const ours = shape(join(work, 'logs-kind-action-kind-cli'))
    const missing = [...kinds].filter(f => !ours.has(f))
    const added = [...ours].filter(f => !kinds.has(f)).map(f => f.split('/')[0])
    expect(missing).toEqual([])
    expect([...new Set(added)].sort()).toEqual(['cluster-view'])
    for (const node of nodes) expect(kinds.has(`${node}/kubelet.log`)).toBe(true)
    const unknown = await both('kind export logs --name kcli-none')
    expect(same(unknown)).toEqual(reference(unknown))
    expect(unknown.ours.stderr).toBe(unknown.upstream.stderr)
  })

  it('kind export kubeconfig writes the same entries', async () => {
    const r = await both(`kind export kubeconfig --name ${CLUSTER} --kubeconfig "$PWD/kubeconfig-$(basename $(dirname $(command -v kind)))"`)
    expect(same(r)).toEqual(reference(r))
    expect(r.ours.stderr).toBe(r.upstream.stderr)
    // Fresh files: the same bytes (kind's sigs.k8s.io/yaml layout, admin.conf's own fields only).
    const read = (file: string) => readFileSync(join(work, file), 'utf8')
    expect(read('kubeconfig-kind-action-kind-cli')).toBe(read('kubeconfig-upstream-bin'))
    // Without --kubeconfig: into $KUBECONFIG, the action's file.
    const plain = await step('ours', `kind export kubeconfig --name ${CLUSTER} && kubectl config current-context`)
    expect(plain.stdout).toBe(`kind-${CLUSTER}\n`)
  })

  it('prints kind\'s errors for bad command lines, with exit code 1', async () => {
    for (const line of ['kind get nodes --bogus', 'kind get clusters extra', 'kind load nope', 'kind load docker-image', 'kind export logs a b', 'kind get', 'kind nope']) {
      const r = await both(line)
      expect({ line, ...same(r), stderr: r.ours.stderr }).toEqual({ line, ...reference(r), stderr: r.upstream.stderr })
      expect(r.ours.exitCode).toBe(1)
    }
  })

  it('prints kind\'s --help texts', async () => {
    const commands = ['get', 'get clusters', 'get nodes', 'get kubeconfig', 'load', 'load docker-image', 'load image-archive', 'export', 'export logs', 'export kubeconfig', 'delete', 'delete cluster', 'delete clusters', 'create', 'create cluster', 'version']
    for (const command of commands) {
      const r = await both(`kind ${command} --help`)
      expect({ command, ...same(r) }).toEqual({ command, ...reference(r) })
    }
    // The root lists kind's build and completion, which ours does not have.
    const root = await both('kind --help')
    const withoutMissing = root.upstream.stdout.replace(/\n {2}(build|completion) .*/g, '')
    expect(root.ours.stdout).toBe(withoutMissing)
  })

  it('kind version: kind\'s layout and release, marked as the action\'s CLI', async () => {
    const r = await both('kind version')
    expect(r.upstream.stdout).toMatch(/^kind v0\.33\.0 go\S+ linux\/amd64\n$/)
    expect(r.ours.stdout).toMatch(/^kind v0\.33\.0\+kind-action\.\d+\.\d+\.\d+ node\d+\.\d+\.\d+ linux\/amd64\n$/)
  })

  it('kind delete cluster removes the nodes and the kubeconfig entry; a missing cluster is no error', async () => {
    const missing = await both('kind delete cluster --name kcli-none')
    expect(same(missing)).toEqual(reference(missing))
    expect(missing.ours.exitCode).toBe(0)
    const r = await step('ours', `kind delete cluster --name ${CLUSTER}`)
    expect({ exitCode: r.exitCode, stdout: r.stdout }).toEqual({ exitCode: 0, stdout: '' })
    expect(r.stderr).toContain(`Deleting cluster "${CLUSTER}" ...`)
    expect(await containersOf(CLUSTER)).toEqual([])
    expect(kubeconfigContexts(runner.env.KUBECONFIG)).not.toContain(`kind-${CLUSTER}`)
  })

  const CGROUP_V1_WARNING = 'cgroup v1 is deprecated in Kubernetes and will not be supported in a future kind release, please upgrade to cgroup v2'
  let cgroupV1 = false
  beforeAll(async () => {
    cgroupV1 = (await docker(['info', '-f', '{{.CgroupVersion}}'])).trim() !== '2'
  })

  // What both print on stderr when a cluster is made: kind's first and last lines (ours has the action's
  // phases in between, kind's its own steps and a salutation after).
  function expectCreated(r: ScriptResult, name: string): void {
    expect({ exitCode: r.exitCode, stdout: r.stdout }).toEqual({ exitCode: 0, stdout: '' })
    // kind warns about a cgroup v1 host first (its validateProvider); so does ours.
    const first = `${cgroupV1 ? `${CGROUP_V1_WARNING}\n` : ''}Creating cluster "${name}" ...\n`
    expect(r.stderr.slice(0, first.length)).toBe(first)
    expect(r.stderr).toContain(`Set kubectl context to "kind-${name}"\nYou can now use your cluster with:\n\nkubectl cluster-info --context kind-${name}\n`)
    // --wait 60s: ready in time, or kind's warning (not a failure) on a loaded machine.
    expect(r.stderr).toMatch(/ • (Ready after \S+ 💚|WARNING: Timed out waiting for Ready ⚠️)/)
  }

  // The other CLI sees the cluster, prints the same kubeconfig, and deletes it with the same lines.
  async function seenAndDeletedByTheOther(name: string, other: Flavour): Promise<void> {
    const nodes = await both(`kind get nodes --name ${name}`)
    expect(same(nodes)).toEqual(reference(nodes))
    expect(nodes.upstream).toMatchObject({ exitCode: 0, stdout: `${name}-control-plane\n` })
    expect((await step(other, 'kind get clusters')).stdout.split('\n')).toContain(name)
    const configs = await both(`kind get kubeconfig --name ${name}`)
    expect(configs.upstream.exitCode).toBe(0)
    expect(same(configs)).toEqual(reference(configs))
    const ready = await step(other, `kubectl --context kind-${name} get nodes -o name`)
    expect(ready.stdout).toBe(`node/${name}-control-plane\n`)
    const again = await step(other, `kind create cluster --name ${name} --image ${NODE_IMAGE}`)
    expect(again.exitCode).toBe(1)
    expect(again.stderr).toContain(`node(s) already exist for a cluster with the name "${name}"`)
    const deleted = await step(other, `kind delete cluster --name ${name}`)
    expect(deleted).toEqual({ exitCode: 0, stdout: '', stderr: `Deleting cluster "${name}" ...\nDeleted nodes: ["${name}-control-plane"]\n` })
    expect(await containersOf(name)).toEqual([])
    expect(kubeconfigContexts(runner.env.KUBECONFIG)).not.toContain(`kind-${name}`)
  }

  it('kind create cluster --wait with ours makes a cluster that kind sees and deletes', async () => {
    const created = await step('ours', `kind create cluster --name ${BY_OURS} --image ${NODE_IMAGE} --wait 60s`)
    expectCreated(created, BY_OURS)
    await seenAndDeletedByTheOther(BY_OURS, 'upstream')
  })

  it('kind create cluster --wait with kind makes a cluster that ours sees and deletes', async () => {
    const created = await step('upstream', `kind create cluster --name ${BY_KIND} --image ${NODE_IMAGE} --wait 60s`)
    expectCreated(created, BY_KIND)
    await seenAndDeletedByTheOther(BY_KIND, 'ours')
  })
})
