import { describe, expect, it } from 'vitest'
import { bindString, planContainers, portsToPick, type ContainerPlanInput } from '../../../src/cluster/container-plan.js'
import { controlPlaneEndpoint, planNodeNames, sortedControlPlanes } from '../../../src/cluster/identity.js'
import { cluster, node } from '../../helpers/cluster.js'

const host = { usernsRemap: false, rootless: false, needsDevMapper: false }
const LB = 'docker.io/kindest/haproxy:v20251211-v0.29.0-alpha-100-g82a92c5d'

function input(c: ContainerPlanInput['cluster'], pickedPorts: Record<string, number[]> = {}): ContainerPlanInput {
  return { cluster: c, network: 'kind', host, proxyEnv: {}, pickedPorts, loadBalancerImage: LB }
}

describe('names', () => {
  it('numbers nodes per role in config order, as kind does', () => {
    const c = cluster([node('worker'), node('control-plane'), node('worker'), node('control-plane'), node('control-plane')], { name: 'ha' })
    expect(planNodeNames(c).map(n => n.name)).toEqual([
      'ha-worker',
      'ha-control-plane',
      'ha-worker2',
      'ha-control-plane2',
      'ha-control-plane3'
    ])
    expect(sortedControlPlanes(planNodeNames(c)).map(n => n.name)).toEqual(['ha-control-plane', 'ha-control-plane2', 'ha-control-plane3'])
    expect(controlPlaneEndpoint(c)).toBe('ha-external-load-balancer:6443')
    expect(controlPlaneEndpoint(cluster([node('control-plane')]))).toBe('kind-control-plane:6443')
  })
})

describe('planContainers', () => {
  it('single node: kind options, API server on the configured address and a picked port', () => {
    const c = cluster([node('control-plane')])
    expect(portsToPick(c)).toEqual({ 'kind-control-plane': [{ listenAddress: '127.0.0.1', count: 1 }] })
    const [cp] = planContainers(input(c, { 'kind-control-plane': [41235] }))
    expect(cp.spec).toEqual({
      name: 'kind-control-plane',
      Hostname: 'kind-control-plane',
      Image: 'kindest/node:v1.34.4',
      Tty: true,
      Labels: { 'io.x-k8s.kind.cluster': 'kind', 'io.x-k8s.kind.role': 'control-plane' },
      Env: ['KIND_EXPERIMENTAL_CONTAINERD_SNAPSHOTTER', 'KUBECONFIG=/etc/kubernetes/admin.conf'],
      Volumes: { '/var': {} },
      ExposedPorts: { '6443/tcp': {} },
      HostConfig: {
        NetworkMode: 'kind',
        RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 1 },
        Init: false,
        CgroupnsMode: 'private',
        Devices: [],
        Privileged: true,
        SecurityOpt: ['seccomp=unconfined', 'apparmor=unconfined'],
        Tmpfs: { '/tmp': '', '/run': '' },
        Binds: ['/lib/modules:/lib/modules:ro'],
        PortBindings: { '6443/tcp': [{ HostIp: '127.0.0.1', HostPort: '41235' }] }
      },
      NetworkingConfig: { EndpointsConfig: { kind: {} } }
    })
  })

  it('HA: control planes on loopback random ports, only the LB on the API server address', () => {
    const c = cluster([node('control-plane'), node('control-plane'), node('worker')], {
      networking: { ...cluster([]).networking, apiServerPort: 6443 }
    })
    const plan = planContainers(input(c, { 'kind-control-plane': [5001], 'kind-control-plane2': [5002] }))
    expect(plan.map(p => [p.name, p.role])).toEqual([
      ['kind-control-plane', 'control-plane'],
      ['kind-control-plane2', 'control-plane'],
      ['kind-worker', 'worker'],
      ['kind-external-load-balancer', 'external-load-balancer']
    ])
    expect(plan[1].spec.HostConfig.PortBindings).toEqual({ '6443/tcp': [{ HostIp: '127.0.0.1', HostPort: '5002' }] })
    expect(plan[2].spec.HostConfig.PortBindings).toEqual({})
    expect(plan[2].spec.Env).toEqual(['KIND_EXPERIMENTAL_CONTAINERD_SNAPSHOTTER'])
    expect(plan[3].spec.Env).toEqual([])
    const lb = plan[3].spec
    expect(lb.Image).toBe(LB)
    expect(lb.HostConfig.PortBindings).toEqual({ '6443/tcp': [{ HostIp: '127.0.0.1', HostPort: '6443' }] })
    expect(lb.HostConfig.Privileged).toBeUndefined()
    expect(lb.Volumes).toBeUndefined()
    expect(lb.Labels).toEqual({ 'io.x-k8s.kind.cluster': 'kind', 'io.x-k8s.kind.role': 'external-load-balancer' })
  })

  it('extra mounts and port mappings, IPv6 sysctls, dnsSearch, snapshotter and -1 ports', () => {
    const c = cluster(
      [
        node('control-plane', {
          extraMounts: [
            { hostPath: '/src', containerPath: '/dst', readOnly: true, selinuxRelabel: true, propagation: 'HostToContainer' },
            { hostPath: '/a', containerPath: '/b', readOnly: false, selinuxRelabel: false, propagation: 'None' }
          ],
          extraPortMappings: [
            { containerPort: 80, hostPort: 8080, listenAddress: '::', protocol: 'UDP' },
            { containerPort: 443, hostPort: -1, listenAddress: '0.0.0.0', protocol: 'TCP' }
          ]
        })
      ],
      { networking: { ...cluster([]).networking, ipFamily: 'dual', dnsSearch: ['a.example', 'b.example'] } }
    )
    const [cp] = planContainers({ ...input(c, { 'kind-control-plane': [7000] }), host: { ...host, snapshotter: 'native' } })
    expect(cp.spec.HostConfig.Binds).toEqual(['/lib/modules:/lib/modules:ro', '/src:/dst:ro,Z,rslave', '/a:/b'])
    expect(cp.spec.HostConfig.PortBindings).toEqual({
      '80/udp': [{ HostIp: '::', HostPort: '8080' }],
      '443/tcp': [{ HostIp: '0.0.0.0', HostPort: '' }],
      '6443/tcp': [{ HostIp: '127.0.0.1', HostPort: '7000' }]
    })
    expect(cp.spec.HostConfig.Sysctls).toEqual({ 'net.ipv6.conf.all.disable_ipv6': '0', 'net.ipv6.conf.all.forwarding': '1' })
    expect(cp.spec.Env).toEqual([
      'KIND_EXPERIMENTAL_CONTAINERD_SNAPSHOTTER=native',
      'KIND_DNS_SEARCH=a.example b.example',
      'KUBECONFIG=/etc/kubernetes/admin.conf'
    ])
  })

  it('bind strings', () => {
    expect(bindString({ hostPath: '/h', containerPath: '/c', readOnly: false, selinuxRelabel: false, propagation: 'Bidirectional' })).toBe(
      '/h:/c:rshared'
    )
  })
})
