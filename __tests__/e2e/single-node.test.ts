// One node, made by the built action exactly as a runner runs it; then real workloads on it, the
// upstream kind CLI against it, and the post step leaving nothing behind.
import { mkdtempSync, readdirSync, existsSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { BUSYBOX_IMAGE, ensureBusyboxImage } from '../helpers/docker.js'
import { speedUpOn } from '../helpers/speed-ups.js'
import {
  E2E_WAIT,
  ECHO,
  NODE_IMAGE,
  clusterThroughAction,
  containersOf,
  docker,
  kind,
  kubeconfigContexts,
  kubectl,
  filesBelow,
  retry,
  runStep,
  runPost,
  slowHostConfig,
  volumeExists,
  volumesOf
} from './harness.js'

const CLUSTER = 'e2e-single'

const WORKLOADS = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: ${BUSYBOX_IMAGE}
        imagePullPolicy: Never
        command: [sh, -c, 'mkdir -p /www && echo hello-from-web > /www/index.html && exec httpd -f -p 8080 -h /www']
        ports: [{containerPort: 8080}]
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data}
spec:
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 1Mi}}
---
apiVersion: v1
kind: Pod
metadata: {name: client}
spec:
  containers:
  - name: client
    image: ${BUSYBOX_IMAGE}
    imagePullPolicy: Never
    command: [sh, -c, 'echo persisted > /data/file && exec sleep 3600']
    volumeMounts: [{name: data, mountPath: /data}]
  volumes:
  - name: data
    persistentVolumeClaim: {claimName: data}
`

describe('single-node cluster through the built action', () => {
  const slow = slowHostConfig(0)
  const inputs = { cluster_name: CLUSTER, node_image: NODE_IMAGE, load_images: BUSYBOX_IMAGE, wait: E2E_WAIT, ...(slow ? { config: slow } : {}) }
  const { runner, main } = clusterThroughAction(inputs, { before: ensureBusyboxImage })
  let volumes: string[] = []

  beforeAll(async () => {
    volumes = await volumesOf(CLUSTER)
  })

  it('sets the documented outputs', () => {
    expect(main.outputs.cluster_name).toBe(CLUSTER)
    expect(main.outputs.context).toBe(`kind-${CLUSTER}`)
    expect(main.outputs.api_server).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/)
    expect(main.outputs.kubernetes_version).toBe(NODE_IMAGE.split(':')[1].split('@')[0])
    expect(main.outputs.node_image).toBe(NODE_IMAGE)
    expect(JSON.parse(main.outputs.nodes)).toEqual([
      { name: `${CLUSTER}-control-plane`, role: 'control-plane', ipv4: expect.stringMatching(/^\d+\.\d+\.\d+\.\d+$/), ipv6: expect.any(String) }
    ])
    expect(kubeconfigContexts(main.outputs.kubeconfig)).toContain(`kind-${CLUSTER}`)
  })

  it("lists the control plane's static pods as soon as the step ends: the kubelet was restarted after it had registered its node", async () => {
    // Right after the step, before any other test gives the kubelet time for its one-minute resync.
    const pods = await kubectl(runner, ['get', 'pods', '-n', 'kube-system', '-l', 'tier=control-plane', '-o', 'jsonpath={.items[*].metadata.name}'])
    const node = `${CLUSTER}-control-plane`
    expect(pods.split(' ').sort()).toEqual(['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler'].map(c => `${c}-${node}`))
    // A kubelet restarted before its node existed makes a mirror pod only on a later event: the
    // restart (kubelet-finalize's) comes after the first kubelet's "Successfully registered node".
    const journal = await docker(['exec', node, 'journalctl', '-u', 'kubelet', '-o', 'cat', '--no-pager'])
    const lines = journal.split('\n')
    const firstRegistered = lines.findIndex(line => line.includes('Successfully registered node'))
    const starts = lines.flatMap((line, index) => (line.includes('Started kubelet.service') ? [index] : []))
    const lastStart = starts.at(-1) ?? -1
    expect(firstRegistered).toBeGreaterThanOrEqual(0)
    expect(lastStart).toBeGreaterThan(firstRegistered)
  })

  it('puts a kubectl on PATH that sees the node Ready', async () => {
    const status = await kubectl(runner, ['get', 'nodes', '-o', 'jsonpath={.items[*].status.conditions[?(@.type=="Ready")].status}'])
    expect(status).toBe('True')
    const client = await kubectl(runner, ['version', '-o', 'json'])
    expect(JSON.parse(client).clientVersion.gitVersion).toBe(main.outputs.kubernetes_version)
  })

  it.runIf(speedUpOn('addons-through-api'))("made the CNI's and storage's objects through the API server, not with kubectl in the node", async () => {
    expect(main.log).toMatch(/Installing CNI: [\d.]+ s/)
    expect(main.log).not.toContain('with kubectl in')
    const owners = await kubectl(runner, ['get', 'daemonset/kindnet', '-n', 'kube-system', '--show-managed-fields', '-o', 'jsonpath={.metadata.managedFields[*].manager}'])
    expect(owners.split(' ')).toContain('kubectl-create')
  })

  it('rolls out a Deployment, binds a PVC through the default StorageClass and resolves a Service through CoreDNS', async () => {
    await kubectl(runner, ['apply', '-f', '-'], WORKLOADS)
    await kubectl(runner, ['rollout', 'status', 'deployment/web', '--timeout=180s'])
    await kubectl(runner, ['wait', '--for=condition=Ready', 'pod/client', '--timeout=180s'])
    const phase = await kubectl(runner, ['get', 'pvc', 'data', '-o', 'jsonpath={.status.phase}'])
    expect(phase).toBe('Bound')
    expect(await kubectl(runner, ['exec', 'client', '--', 'cat', '/data/file'])).toBe('persisted\n')
    // busybox-static's wget cannot resolve names (a static glibc cannot load NSS), so resolve with
    // busybox's own nslookup through CoreDNS, then fetch the Service's address.
    const clusterIP = await kubectl(runner, ['get', 'service', 'web', '-o', 'jsonpath={.spec.clusterIP}'])
    const lookup = await retry('resolving the Service name through CoreDNS', () =>
      kubectl(runner, ['exec', 'client', '--', 'nslookup', 'web.default.svc.cluster.local'])
    )
    expect(lookup).toContain(`Address: ${clusterIP}`)
    const page = await retry('fetching the Service', () =>
      // (busybox-static's own wget -T crashes; its timeout applet bounds the request instead)
      kubectl(runner, ['exec', 'client', '--', 'timeout', '10', 'wget', '-q', '-O', '-', `http://${clusterIP}:80/`])
    )
    expect(page).toBe('hello-from-web\n')
  })

  it.runIf(speedUpOn('kubelet-finalize-alongside'))("runs kubeadm's kubelet-finalize while init waits for the control plane, with kubeadm's own result", async () => {
    const node = `${CLUSTER}-control-plane`
    // kubelet.conf as the phase writes it: the node's credentials are the kubelet's rotatable certificate.
    const kubeletConf = await docker(['exec', node, 'cat', '/etc/kubernetes/kubelet.conf'])
    expect(kubeletConf).toContain('client-certificate: /var/lib/kubelet/pki/kubelet-client-current.pem')
    expect(kubeletConf).toContain('client-key: /var/lib/kubelet/pki/kubelet-client-current.pem')
    expect(kubeletConf).not.toMatch(/client-(certificate|key)-data/)
    const current = await docker(['exec', node, 'readlink', '-f', '/var/lib/kubelet/pki/kubelet-client-current.pem'])
    expect(current.trim()).toMatch(/^\/var\/lib\/kubelet\/pki\/kubelet-client-\d{4}(-\d\d){5}\.pem$/)
    // The phase restarted the kubelet while init was still at work, earlier than init's own kubelet-finalize
    // would have (right before its addons): kubeadm's request to restart it came before init created the
    // CoreDNS Deployment. Both transcripts' klog lines carry the node's clock to the microsecond (the
    // Deployment's creationTimestamp only to the second, too coarse: 0.7 s apart in one run).
    const journal = await docker(['exec', node, 'journalctl', '-u', 'kubelet', '-o', 'short-unix', '--no-pager'])
    expect(journal.split('\n').filter(line => line.includes('Started kubelet.service')).length).toBeGreaterThanOrEqual(2)
    const klogTime = (transcript: string, pattern: RegExp): number => {
      const line = transcript.split('\n').find(l => pattern.test(l))
      expect(line, `a klog line matching ${pattern}`).toBeDefined()
      const [, h, m, s] = /^I\d{4} (\d\d):(\d\d):(\d\d\.\d+)/.exec(line!)!
      return Number(h) * 3600 + Number(m) * 60 + Number(s)
    }
    const finalizeLog = await docker(['exec', node, 'cat', '/var/log/kind-action/kubeadm-init-kubelet-finalize.log'])
    const initLog = await docker(['exec', node, 'cat', '/var/log/kind-action/kubeadm-init.log'])
    const restartRequested = klogTime(finalizeLog, /Restarting the kubelet/)
    const coreDnsCreated = klogTime(initLog, /verb="POST" url="[^"]*\/apis\/apps\/v1\/namespaces\/kube-system\/deployments[?"]/)
    // (a creation that crosses midnight would wrap the clock; not worth handling in a test)
    expect(restartRequested).toBeLessThan(coreDnsCreated)
  })

  it('is a cluster of its own to the upstream kind CLI', async () => {
    expect((await kind(['get', 'clusters'])).split('\n')).toContain(CLUSTER)
    expect((await kind(['get', 'nodes', '--name', CLUSTER])).trim()).toBe(`${CLUSTER}-control-plane`)
    const dir = mkdtempSync(join(tmpdir(), 'kind-export-'))
    await kind(['export', 'logs', dir, '--name', CLUSTER])
    const nodeDir = join(dir, `${CLUSTER}-control-plane`)
    expect(readdirSync(nodeDir)).toEqual(
      expect.arrayContaining(['kubelet.log', 'containerd.log', 'journal.log', 'inspect.json', 'kubernetes-version.txt', 'serial.log'])
    )
    expect(readFileSync(join(nodeDir, 'kubernetes-version.txt'), 'utf8')).toBe(main.outputs.kubernetes_version)
    expect(existsSync(join(dir, 'docker-info.txt'))).toBe(true)
  })

  it('exports a log bundle with every file kind export logs writes, plus a cluster view', async () => {
    const theirs = mkdtempSync(join(tmpdir(), 'kind-export-'))
    const ours = mkdtempSync(join(tmpdir(), 'our-export-'))
    await kind(['export', 'logs', theirs, '--name', CLUSTER])
    const step = await runStep(runner, 'dist/export-logs/index.js', { cluster_name: CLUSTER, dir: ours }, { echo: ECHO })
    expect(step.exitCode).toBe(0)
    expect(step.outputs.dir).toBe(ours)
    const kindFiles = filesBelow(theirs)
    const ourFiles = filesBelow(ours)
    // /var/log changes while the cluster runs: a file appearing between the two exports is not a gap,
    // so compare the files both exports must have: kind's own top-level and per-node files, and
    // /var/log's containers/ and pods/ trees.
    // journald's binary files rotate and are named by boot and sequence, so they are left out.
    // A container restarted between the two exports (the controller manager and scheduler lose their
    // leader lease under software emulation) has a new container ID and restart index: compare its logs
    // by pod and container name.
    const stable = kindFiles.filter(f => !f.includes('/journal/'))
    const byContainer = (f: string): string => f.replace(/-[0-9a-f]{64}\.log$/, '.log').replace(/\/\d+\.log$/, '/N.log')
    expect([...new Set(ourFiles.map(byContainer))]).toEqual(expect.arrayContaining([...new Set(stable.map(byContainer))]))
    expect(ourFiles.filter(f => f.startsWith('cluster-view/')).length).toBeGreaterThan(0)
    const node = `${CLUSTER}-control-plane`
    for (const same of [`${node}/kubernetes-version.txt`]) {
      expect(readFileSync(join(ours, same), 'utf8')).toBe(readFileSync(join(theirs, same), 'utf8'))
    }
    const inspect = (root: string): { Id: string }[] => JSON.parse(readFileSync(join(root, node, 'inspect.json'), 'utf8'))
    expect(inspect(ours)[0].Id).toBe(inspect(theirs)[0].Id)
    for (const log of ['kubelet.log', 'containerd.log', 'images.log', 'serial.log']) {
      expect(readFileSync(join(ours, node, log), 'utf8').length).toBeGreaterThan(0)
    }
    const transcript = (name: string): string => readFileSync(join(ours, node, 'kind-action', `${name}.log`), 'utf8')
    const kindActionFiles = readdirSync(join(ours, node, 'kind-action'))
    if (speedUpOn('init-certs-while-booting')) {
      // The certificate and kubeconfig phases ran ahead of init, each successful, and init used what
      // they made rather than making its own.
      for (const phase of ['certs-ca', 'certs-all', 'kubeconfig-all']) {
        expect(transcript(`kubeadm-init-${phase}`)).toMatch(/^\$ kubeadm init phase [\s\S]*\nexit code 0\n$/)
      }
      expect(transcript('kubeadm-init')).toMatch(/\[certs\] Using existing ca certificate authority/)
      expect(transcript('kubeadm-init')).toMatch(/\[kubeconfig\] Using existing kubeconfig file: "\/etc\/kubernetes\/admin\.conf"/)
      expect(transcript('kubeadm-init')).not.toMatch(/\[certs\] Generating/)
    } else {
      // kind's init: it makes its certificates itself.
      expect(kindActionFiles.filter(f => /^kubeadm-init-(certs|kubeconfig)/.test(f))).toEqual([])
      expect(transcript('kubeadm-init')).toMatch(/\[certs\] Generating "ca" certificate and key/)
    }
    if (speedUpOn('kubelet-finalize-alongside')) {
      // kubelet-finalize ran on its own, alongside init, which skipped it.
      expect(transcript('kubeadm-init')).toMatch(/^\$ kubeadm init .*--skip-phases=preflight,kubelet-finalize/)
      expect(transcript('kubeadm-init')).not.toMatch(/\[kubelet-finalize\]/)
      expect(transcript('kubeadm-init-kubelet-finalize')).toMatch(/^\$ kubeadm init phase kubelet-finalize all [\s\S]*Restarting the kubelet[\s\S]*\nexit code 0\n$/)
    } else {
      // kind's init, which runs kubelet-finalize as its own phase.
      expect(transcript('kubeadm-init')).not.toMatch(/--skip-phases=[^\n]*kubelet-finalize/)
      expect(transcript('kubeadm-init')).toMatch(/\[kubelet-finalize\]/)
      expect(kindActionFiles).not.toContain('kubeadm-init-kubelet-finalize.log')
    }
  })

  it('post step removes every container, its volumes and the kubeconfig entry', async () => {
    expect(volumes.length).toBeGreaterThan(0)
    const post = await runPost(runner, main.step, { echo: ECHO })
    expect(post.exitCode).toBe(0)
    expect(await containersOf(CLUSTER)).toEqual([])
    for (const v of volumes) expect(await volumeExists(v)).toBe(false)
    expect(kubeconfigContexts(main.outputs.kubeconfig)).not.toContain(`kind-${CLUSTER}`)
    expect((await kind(['get', 'clusters'])).split('\n')).not.toContain(CLUSTER)
  })
})
