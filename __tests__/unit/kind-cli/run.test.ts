// Output formats of the kind CLI: what goes to stdout (program output) and what to stderr (status,
// errors), and the exit codes, as kind v0.33.0 has them. Docker is stood in for by the log exporter's
// fake port (containers with labels, scripted node commands): these are the unit tests of the
// formatting; the e2e test kind-cli.test.ts runs the same commands against real clusters and kind.
import { describe, expect, it } from 'vitest'
import { runKind } from '../../../src/kind-cli/run.js'
import { displayVersion } from '../../../src/kind-cli/version.js'
import { normalizeImageName } from '../../../src/cluster/image-presence.js'
import { kubeconfigPathsForRemoval } from '../../../src/kind-cli/commands/delete.js'
import { fakeDocker, type FakeNode } from '../logs/fake-docker.js'

const ADMIN_CONF = `apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: Q0E=
    server: https://demo-control-plane:6443
  name: kubernetes
contexts:
- context:
    cluster: kubernetes
    user: kubernetes-admin
  name: kubernetes-admin@kubernetes
current-context: kubernetes-admin@kubernetes
kind: Config
preferences: {}
users:
- name: kubernetes-admin
  user:
    client-certificate-data: Q0VSVA==
    client-key-data: S0VZ
`

async function kind(line: string, nodes: FakeNode[] = [], env: Record<string, string> = {}) {
  let stdout = ''
  let stderr = ''
  const docker = fakeDocker(nodes, (_node, command) => (command.join(' ') === 'cat /etc/kubernetes/admin.conf' ? { stdout: ADMIN_CONF } : { exitCode: 1 }))
  const code = await runKind(line.split(' ').filter(Boolean), {
    docker: () => docker,
    io: { out: t => void (stdout += t), err: t => void (stderr += t), readStdin: async () => '' },
    env: { HOME: '/nonexistent', ...env }
  })
  return { code, stdout, stderr }
}

const DEMO: FakeNode[] = [
  { name: 'demo-worker', role: 'worker', cluster: 'demo' },
  { name: 'demo-control-plane', role: 'control-plane', cluster: 'demo' },
  { name: 'other-control-plane', role: 'control-plane', cluster: 'other' }
]

describe('get', () => {
  it('prints cluster names sorted, one per line, on stdout', async () => {
    expect(await kind('get clusters', DEMO)).toEqual({ code: 0, stdout: 'demo\nother\n', stderr: '' })
  })

  it('says "No kind clusters found." on stderr only, and succeeds', async () => {
    expect(await kind('get clusters')).toEqual({ code: 0, stdout: '', stderr: 'No kind clusters found.\n' })
    expect(await kind('get clusters -q')).toEqual({ code: 0, stdout: '', stderr: '' })
  })

  it("prints a cluster's nodes in Docker's order; KIND_CLUSTER_NAME stands in for --name", async () => {
    expect((await kind('get nodes --name demo', DEMO)).stdout).toBe('demo-worker\ndemo-control-plane\n')
    expect((await kind('get nodes', DEMO, { KIND_CLUSTER_NAME: 'other' })).stdout).toBe('other-control-plane\n')
    expect((await kind('get nodes -n demo', DEMO, { KIND_CLUSTER_NAME: 'other' })).stdout).toBe('demo-worker\ndemo-control-plane\n')
    expect((await kind('get nodes -A', DEMO)).stdout).toBe('demo-worker\ndemo-control-plane\nother-control-plane\n')
    expect(await kind('get nodes', DEMO)).toEqual({ code: 0, stdout: '', stderr: 'No kind nodes found for cluster "kind".\n' })
  })

  it('prints the internal kubeconfig as kind encodes it, followed by a blank line', async () => {
    const { code, stdout } = await kind('get kubeconfig --name demo --internal', DEMO)
    expect(code).toBe(0)
    expect(stdout).toBe(`apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: Q0E=
    server: https://demo-control-plane:6443
  name: kind-demo
contexts:
- context:
    cluster: kind-demo
    user: kind-demo
  name: kind-demo
current-context: kind-demo
kind: Config
preferences: {}
users:
- name: kind-demo
  user:
    client-certificate-data: Q0VSVA==
    client-key-data: S0VZ

`)
  })

  it('fails with kind\'s message for a cluster without control planes', async () => {
    expect(await kind('get kubeconfig --name gone')).toEqual({
      code: 1,
      stdout: '',
      stderr: "ERROR: could not locate any control plane nodes for cluster named 'gone'. Use the --name option to select a different cluster\n"
    })
  })
})

describe('errors, help and version', () => {
  it('prints a bad flag as one ERROR line and exits 1', async () => {
    expect(await kind('get nodes --nope')).toEqual({ code: 1, stdout: '', stderr: 'ERROR: unknown flag: --nope\n' })
    expect(await kind('get nodes --nope -q')).toEqual({ code: 1, stdout: '', stderr: '' })
  })

  it('shows a group\'s help on stdout and asks for a subcommand on stderr', async () => {
    const { code, stdout, stderr } = await kind('get')
    expect(code).toBe(1)
    expect(stdout).toMatch(/^Gets one of \[clusters, nodes, kubeconfig\]\n\nUsage:\n  kind get \[flags\]\n  kind get \[command\]\n/)
    expect(stderr).toBe('ERROR: Subcommand is required\n')
  })

  it('prints help on stdout with exit 0, for --help, -h and the help command', async () => {
    const help = await kind('load docker-image --help')
    expect(help).toEqual({
      code: 0,
      stderr: '',
      stdout: `Loads docker images from host into all or specified nodes by name

Usage:
  kind load docker-image <IMAGE> [IMAGE...] [flags]

Flags:
  -h, --help            help for docker-image
  -n, --name string     the cluster context name (default "kind")
      --nodes strings   comma separated list of nodes to load images into

Global Flags:
  -q, --quiet             silence all stderr output
  -v, --verbosity int32   info log verbosity, higher value produces more output
`
    })
    expect((await kind('load docker-image -h')).stdout).toBe(help.stdout)
    expect((await kind('help load docker-image')).stdout).toBe(help.stdout)
    expect((await kind('')).stdout).toMatch(/^kind creates and manages local Kubernetes clusters using Docker container 'nodes'\n\nUsage:\n  kind \[command\]\n/)
  })

  it('prints the version in kind\'s layout, and only the version with -q', async () => {
    expect(displayVersion('v24.11.0', 'linux', 'x64')).toBe('kind v0.33.0+kind-action.1.0.0 node24.11.0 linux/amd64')
    expect(await kind('version -q')).toEqual({ code: 0, stdout: '0.33.0+kind-action.1.0.0\n', stderr: '' })
    expect((await kind('version')).stdout).toMatch(/^kind v0\.33\.0\+kind-action\.1\.0\.0 node\d+\.\d+\.\d+ linux\/\w+\n$/)
    expect((await kind('--version')).stdout).toBe('kind version 0.33.0+kind-action.1.0.0\n')
  })
})

describe('load and delete helpers', () => {
  it.each([
    ['nginx', 'docker.io/library/nginx:latest'],
    ['me/app:v1', 'docker.io/me/app:v1'],
    ['localhost/app', 'localhost/app:latest'],
    ['localhost:5000/app', 'localhost:5000/app:latest'],
    ['registry.example:5000/a/b@sha256:00', 'registry.example:5000/a/b@sha256:00'],
    ['ghcr.io/x/y:1', 'ghcr.io/x/y:1']
  ])('names %s as containerd does: %s', (image, name) => expect(normalizeImageName(image)).toBe(name))

  it('removes kubeconfig entries from --kubeconfig, else every KUBECONFIG entry, else ~/.kube/config', () => {
    expect(kubeconfigPathsForRemoval('/x', '/a:/b', '/h')).toEqual(['/x'])
    expect(kubeconfigPathsForRemoval('', '/a::/b:/a', '/h')).toEqual(['/a', '/b'])
    expect(kubeconfigPathsForRemoval('', undefined, '/h')).toEqual(['/h/.kube/config'])
  })

  it('create cluster warns about cgroup v1 first, as kind, then refuses a name that has nodes', async () => {
    const v1 = await kind(`create cluster --name demo --image kindest/node:v1.37.2`, DEMO)
    expect(v1).toEqual({
      code: 1,
      stdout: '',
      stderr:
        'cgroup v1 is deprecated in Kubernetes and will not be supported in a future kind release, please upgrade to cgroup v2\n' +
        'ERROR: failed to create cluster: node(s) already exist for a cluster with the name "demo"\n'
    })
    expect((await kind(`create cluster --name demo -q`, DEMO)).stderr).toBe('')
  })

  it("decides node by node in Docker's order, as kind's status lines come, leaving out other clusters", async () => {
    const docker = fakeDocker(DEMO, () => ({ exitCode: 1 }))
    docker.inspectImage = async () => ({ id: 'sha256:1', repoTags: ['app:v1'], repoDigests: [], size: 1 })
    let stderr = ''
    await runKind(['load', 'docker-image', 'app:v1', '--name', 'demo'], {
      docker: () => docker,
      io: { out: () => undefined, err: t => void (stderr += t), readStdin: async () => '' },
      env: {}
    })
    expect(stderr.split('\n').filter(l => l.includes('not yet present'))).toEqual([
      'Image: "app:v1" with ID "sha256:1" not yet present on node "demo-worker", loading...',
      'Image: "app:v1" with ID "sha256:1" not yet present on node "demo-control-plane", loading...'
    ])
  })

  it('checks every image before touching nodes, with kind\'s message', async () => {
    const docker = fakeDocker(DEMO, () => ({}))
    docker.inspectImage = async () => undefined
    let stderr = ''
    const code = await runKind(['load', 'docker-image', 'missing:1', '--name', 'demo'], {
      docker: () => docker,
      io: { out: () => undefined, err: t => void (stderr += t), readStdin: async () => '' },
      env: {}
    })
    expect({ code, stderr, commands: docker.commands }).toEqual({ code: 1, stderr: 'ERROR: image: "missing:1" not present locally\n', commands: [] })
  })
})
