import { describe, expect, it } from 'vitest'
import { proxyEnvironment, ulaSubnetFromName } from '../../../src/cluster/network.js'
import { createHash } from 'node:crypto'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { dockerConfigProxies } from '../../../src/cluster/docker-config-proxy.js'

describe('ulaSubnetFromName', () => {
  // kind's own test vectors (network_test.go).
  it.each([
    ['kind', 0, 'fc00:f853:ccd:e793::/64'],
    ['foo', 1, 'fc00:8edf:7f02:ec8f::/64'],
    ['foo', 2, 'fc00:9968:306b:2c65::/64'],
    ['kind2', 0, 'fc00:444c:147a:44ab::/64'],
    ['kin', 0, 'fc00:fcd9:c2be:8e23::/64'],
    ['mysupernetwork', 0, 'fc00:7ae1:1e0d:b4d4::/64']
  ])('%s attempt %i → %s', (name, attempt, subnet) => {
    expect(ulaSubnetFromName(name, attempt)).toBe(subnet)
  })
})

describe('proxyEnvironment', () => {
  const cluster = { podSubnet: '10.244.0.0/16', serviceSubnet: '10.96.0.0/16' }

  it('sets nothing when the host has no proxy', () => {
    expect(proxyEnvironment({}, cluster, ['172.18.0.0/16'], ['kind-control-plane'])).toEqual({})
  })

  it('sets both cases and extends NO_PROXY with subnets, containers and service domains', () => {
    const env = proxyEnvironment(
      { https_proxy: 'http://proxy:3128', NO_PROXY: 'example.com' },
      cluster,
      ['172.18.0.0/16', 'fc00:f853:ccd:e793::/64'],
      ['kind-control-plane', 'kind-worker']
    )
    const noProxy =
      '172.18.0.0/16,fc00:f853:ccd:e793::/64,example.com,10.96.0.0/16,10.244.0.0/16,kind-control-plane,kind-worker,.svc,.svc.cluster,.svc.cluster.local'
    expect(env).toEqual({
      HTTPS_PROXY: 'http://proxy:3128',
      https_proxy: 'http://proxy:3128',
      NO_PROXY: noProxy,
      no_proxy: noProxy
    })
  })
})

describe('proxies from the Docker CLI config (kind v0.33)', () => {
  const cluster = { podSubnet: '10.244.0.0/16', serviceSubnet: '10.96.0.0/16' }
  const dockerConfig = (config: object, contexts: Record<string, string> = {}): string => {
    const dir = mkdtempSync(join(tmpdir(), 'docker-config-'))
    writeFileSync(join(dir, 'config.json'), JSON.stringify(config))
    for (const [name, host] of Object.entries(contexts)) {
      const meta = join(dir, 'contexts', 'meta', createHash('sha256').update(name).digest('hex'))
      mkdirSync(meta, { recursive: true })
      writeFileSync(join(meta, 'meta.json'), JSON.stringify({ Name: name, Endpoints: { docker: { Host: host } } }))
    }
    return dir
  }
  const proxies = {
    default: { httpProxy: 'http://default:3128', noProxy: 'corp.example' },
    'tcp://remote:2376': { httpsProxy: 'http://remote-proxy:3128' }
  }

  it('takes the default entry for the local daemon, and extends its noProxy like the environment\'s', () => {
    const DOCKER_CONFIG = dockerConfig({ proxies })
    expect(dockerConfigProxies({ DOCKER_CONFIG })).toEqual({ HTTP_PROXY: 'http://default:3128', NO_PROXY: 'corp.example' })
    const env = proxyEnvironment({}, cluster, ['172.18.0.0/16'], ['kind-control-plane'], dockerConfigProxies({ DOCKER_CONFIG }))
    expect(env.http_proxy).toBe('http://default:3128')
    expect(env.NO_PROXY).toBe('172.18.0.0/16,corp.example,10.96.0.0/16,10.244.0.0/16,kind-control-plane,.svc,.svc.cluster,.svc.cluster.local')
  })

  it('takes the entry of the daemon in use: DOCKER_HOST, else the current context\'s endpoint', () => {
    expect(dockerConfigProxies({ DOCKER_CONFIG: dockerConfig({ proxies }), DOCKER_HOST: 'tcp://remote:2376' })).toEqual({ HTTPS_PROXY: 'http://remote-proxy:3128' })
    const viaContext = dockerConfig({ currentContext: 'far', proxies }, { far: 'tcp://remote:2376' })
    expect(dockerConfigProxies({ DOCKER_CONFIG: viaContext })).toEqual({ HTTPS_PROXY: 'http://remote-proxy:3128' })
    expect(dockerConfigProxies({ DOCKER_CONFIG: viaContext, DOCKER_CONTEXT: 'default' })).toEqual(dockerConfigProxies({ DOCKER_CONFIG: dockerConfig({ proxies }) }))
  })

  it('is ignored when the environment names an HTTP(S) proxy, and fills the gaps when it names only NO_PROXY', () => {
    const fromFile = { HTTP_PROXY: 'http://default:3128', NO_PROXY: 'corp.example' }
    expect(proxyEnvironment({ https_proxy: 'http://env:1' }, cluster, [], [], fromFile)).not.toHaveProperty('HTTP_PROXY')
    const onlyNoProxy = proxyEnvironment({ NO_PROXY: 'env.example' }, cluster, [], [], fromFile)
    expect(onlyNoProxy.HTTP_PROXY).toBe('http://default:3128')
    expect(onlyNoProxy.NO_PROXY).toBe('env.example,10.96.0.0/16,10.244.0.0/16,.svc,.svc.cluster,.svc.cluster.local')
  })

  it('finds nothing without a readable config or a proxies section', () => {
    expect(dockerConfigProxies({})).toEqual({})
    expect(dockerConfigProxies({ DOCKER_CONFIG: dockerConfig({ auths: {} }) })).toEqual({})
    expect(dockerConfigProxies({ HOME: '/nonexistent' })).toEqual({})
    const broken = mkdtempSync(join(tmpdir(), 'docker-config-'))
    writeFileSync(join(broken, 'config.json'), '{not json')
    expect(dockerConfigProxies({ DOCKER_CONFIG: broken })).toEqual({})
  })
})

describe('NodeCommandError', () => {
  it('puts the reason ahead of a stack trace that would push it out of the tail', async () => {
    const { NodeCommandError } = await import('../../../src/cluster/node-exec.js')
    // kubeadm at --v=6: the reason on one line, then a Go stack trace (function lines and indented file lines).
    const stack = Array.from({ length: 20 }, (_, i) => `k8s.io/kubernetes/cmd/kubeadm/app/util.F${i}\n\tk8s.io/kubernetes/cmd/kubeadm/app/x.go:${i}`).join('\n')
    const error = new NodeCommandError('n1', ['kubeadm', 'init'], {
      exitCode: 1,
      stdout: 'I1127 starting\n',
      stderr: `error: this version of kubeadm only supports deploying clusters with the control plane version >= 1.33.0. Current version: v1.20.0\n${stack}\n`
    })
    expect(error.message.split('\n')[0]).toBe('command failed on node n1 (exit code 1): kubeadm init')
    expect(error.message.split('\n')[1]).toContain('Current version: v1.20.0')
    expect(error.outputTail).toContain('x.go:19')
  })
})
