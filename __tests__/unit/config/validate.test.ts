import { describe, expect, it } from 'vitest'
import { applyDefaults } from '../../../src/config/defaults.js'
import type { Cluster, Mount, Node, PortMapping, RawCluster } from '../../../src/config/types.js'
import { clusterWarnings, validateCluster } from '../../../src/config/validate.js'

const IMAGE = 'kindest/node:v1.33.1'

function cluster(raw: RawCluster = {}, change: (c: Cluster) => void = () => undefined): Cluster {
  const c = applyDefaults(raw, { defaultImage: IMAGE, cwd: '/w' })
  change(c)
  return c
}

function node(c: Cluster, index: number): Node {
  const n = c.nodes[index]
  if (n === undefined) throw new Error(`no node ${index}`)
  return n
}

function mapping(fields: Partial<PortMapping>): PortMapping {
  return { containerPort: 80, hostPort: 0, listenAddress: '0.0.0.0', protocol: 'TCP', ...fields }
}

function withMappings(...mappings: Array<Partial<PortMapping>>): Cluster {
  return cluster({}, (c) => {
    node(c, 0).extraPortMappings = mappings.map(mapping)
  })
}

function mount(fields: Partial<Mount>): Mount {
  return { containerPath: '/c', hostPath: '/h', readOnly: false, selinuxRelabel: false, propagation: 'None', ...fields }
}

const PORT_RANGE = 'use 0 (a free port is chosen), -1 (Docker chooses) or 1-65535'

describe('validateCluster', () => {
  it('accepts the default cluster', () => {
    expect(validateCluster(cluster())).toEqual([])
  })

  describe('name', () => {
    it.each(['kind', 'a', 'my-cluster.v2', '0', 'x'.repeat(80)])('accepts %j', (name) => {
      expect(validateCluster(cluster({ name }))).toEqual([])
    })

    it.each([
      ['My-Cluster', 'is not a valid cluster name; use lower-case letters, digits, "." and "-" (^[a-z0-9.-]+$)'],
      ['my_cluster', 'is not a valid cluster name; use lower-case letters, digits, "." and "-" (^[a-z0-9.-]+$)'],
      ['a b', 'is not a valid cluster name; use lower-case letters, digits, "." and "-" (^[a-z0-9.-]+$)'],
      ['', 'is not a valid cluster name; use lower-case letters, digits, "." and "-" (^[a-z0-9.-]+$)'],
      ['-kind', 'must start with a lower-case letter or digit, as node container names begin with it'],
      ['.kind', 'must start with a lower-case letter or digit, as node container names begin with it']
    ])('rejects %j', (name, message) => {
      expect(validateCluster(cluster({}, (c) => (c.name = name)))).toEqual([`name: ${JSON.stringify(name)} ${message}`])
    })
  })

  describe('networking.apiServerPort', () => {
    it.each([0, -1, 1, 6443, 65535])('accepts %d', (apiServerPort) => {
      expect(validateCluster(cluster({ networking: { apiServerPort } }))).toEqual([])
    })
    it.each([-2, 65536, 100000])('rejects %d', (apiServerPort) => {
      expect(validateCluster(cluster({ networking: { apiServerPort } }))).toEqual([
        `networking.apiServerPort: ${apiServerPort} is out of range; ${PORT_RANGE}`
      ])
    })
  })

  describe('networking.ipFamily', () => {
    it.each(['ipv4', 'ipv6', 'dual'])('accepts %s', (ipFamily) => {
      expect(validateCluster(cluster({ networking: { ipFamily } }))).toEqual([])
    })
    it.each(['IPv4', 'ipv5', 'dualstack'])('rejects %s', (ipFamily) => {
      expect(validateCluster(cluster({ networking: { ipFamily } }))).toEqual([
        `networking.ipFamily: "${ipFamily}" is not an IP family; use ipv4, ipv6 or dual`
      ])
    })
  })

  describe('networking.apiServerAddress (ours: Docker publishes on IP addresses only)', () => {
    it.each([
      ['ipv4', '127.0.0.1'],
      ['ipv4', '0.0.0.0'],
      ['ipv6', '::1'],
      ['ipv6', '127.0.0.1'],
      ['dual', '::']
    ])('accepts family %s with %s', (ipFamily, apiServerAddress) => {
      expect(validateCluster(cluster({ networking: { ipFamily, apiServerAddress } }))).toEqual([])
    })
    it.each(['localhost', '[::1]', '127.0.0.1:6443'])('rejects %j', (apiServerAddress) => {
      expect(validateCluster(cluster({ networking: { apiServerAddress } }))).toEqual([
        `networking.apiServerAddress: ${JSON.stringify(apiServerAddress)} is not an IP address; use an IPv4 or IPv6 address such as 127.0.0.1 or ::1`
      ])
    })
    it('rejects an empty one set after defaulting', () => {
      expect(validateCluster(cluster({}, (c) => (c.networking.apiServerAddress = '')))).toEqual([
        'networking.apiServerAddress: "" is not an IP address; use an IPv4 or IPv6 address such as 127.0.0.1 or ::1'
      ])
    })
  })

  describe('networking.podSubnet and serviceSubnet', () => {
    it.each([
      ['ipv4', '10.244.0.0/16'],
      ['ipv4', '192.168.0.0/24'],
      ['ipv4', '10.244.1.7/16'],
      ['ipv6', 'fd00:10:244::/56'],
      ['ipv6', '2001:db8::/64'],
      ['dual', '10.244.0.0/16'],
      ['dual', 'fd00:10:244::/56'],
      ['dual', '10.244.0.0/16,fd00:10:244::/56'],
      ['dual', 'fd00:10:244::/56,10.244.0.0/16']
    ])('accepts family %s with %s', (ipFamily, subnet) => {
      expect(validateCluster(cluster({ networking: { ipFamily, podSubnet: subnet, serviceSubnet: subnet } }))).toEqual([])
    })

    it.each([
      ['ipv4', '10.244.0.0', '"10.244.0.0" is not a CIDR (an address and a prefix length, such as 10.244.0.0/16 or fd00:10:244::/56)'],
      ['ipv4', '10.244.0.0/33', '"10.244.0.0/33" is not a CIDR (an address and a prefix length, such as 10.244.0.0/16 or fd00:10:244::/56)'],
      ['ipv4', 'ten/8', '"ten/8" is not a CIDR (an address and a prefix length, such as 10.244.0.0/16 or fd00:10:244::/56)'],
      ['dual', '10.244.0.0/16, fd00::/56', '" fd00::/56" is not a CIDR (an address and a prefix length, such as 10.244.0.0/16 or fd00:10:244::/56)'],
      ['ipv4', '10.244.0.0/16,', '"" is not a CIDR (an address and a prefix length, such as 10.244.0.0/16 or fd00:10:244::/56)'],
      ['ipv4', 'fd00:10:244::/56', '"fd00:10:244::/56" is an IPv6 CIDR; ipFamily ipv4 takes an IPv4 CIDR'],
      ['ipv6', '10.244.0.0/16', '"10.244.0.0/16" is an IPv4 CIDR; ipFamily ipv6 takes an IPv6 CIDR'],
      [
        'ipv4',
        '10.244.0.0/16,10.245.0.0/16',
        '"10.244.0.0/16,10.245.0.0/16" has 2 CIDRs; ipFamily ipv4 takes exactly one IPv4 CIDR (two are for ipFamily dual)'
      ],
      [
        'ipv6',
        '10.244.0.0/16,fd00::/56',
        '"10.244.0.0/16,fd00::/56" has 2 CIDRs; ipFamily ipv6 takes exactly one IPv6 CIDR (two are for ipFamily dual)'
      ],
      [
        'dual',
        '10.244.0.0/16,10.245.0.0/16',
        '"10.244.0.0/16,10.245.0.0/16" does not suit ipFamily dual; use one CIDR, or two separated by a comma: one IPv4 and one IPv6'
      ],
      [
        'dual',
        'fd00:1::/56,fd00:2::/56',
        '"fd00:1::/56,fd00:2::/56" does not suit ipFamily dual; use one CIDR, or two separated by a comma: one IPv4 and one IPv6'
      ],
      [
        'dual',
        '10.244.0.0/16,fd00::/56,10.1.0.0/16',
        '"10.244.0.0/16,fd00::/56,10.1.0.0/16" does not suit ipFamily dual; use one CIDR, or two separated by a comma: one IPv4 and one IPv6'
      ]
    ])('rejects family %s with %j', (ipFamily, subnet, message) => {
      expect(validateCluster(cluster({ networking: { ipFamily, podSubnet: subnet } }))).toEqual([`networking.podSubnet: ${message}`])
      expect(validateCluster(cluster({ networking: { ipFamily, serviceSubnet: subnet } }))).toEqual([`networking.serviceSubnet: ${message}`])
    })

    it('checks only that the CIDRs parse when the family itself is unknown', () => {
      expect(validateCluster(cluster({ networking: { ipFamily: 'ipv5', podSubnet: 'fd00::/56', serviceSubnet: 'x' } }))).toEqual([
        'networking.ipFamily: "ipv5" is not an IP family; use ipv4, ipv6 or dual',
        'networking.serviceSubnet: "x" is not a CIDR (an address and a prefix length, such as 10.244.0.0/16 or fd00:10:244::/56)'
      ])
    })
  })

  describe('networking.kubeProxyMode', () => {
    it.each(['iptables', 'ipvs', 'nftables', 'none'])('accepts %s', (kubeProxyMode) => {
      expect(validateCluster(cluster({ networking: { kubeProxyMode } }))).toEqual([])
    })
    it.each(['userspace', 'IPVS', 'kernelspace'])('rejects %s', (kubeProxyMode) => {
      expect(validateCluster(cluster({ networking: { kubeProxyMode } }))).toEqual([
        `networking.kubeProxyMode: "${kubeProxyMode}" is not a proxy mode; use iptables, ipvs, nftables or none`
      ])
    })
  })

  describe('nodes', () => {
    it.each([
      [['control-plane']],
      [['control-plane', 'worker', 'worker']],
      [['control-plane', 'control-plane', 'control-plane', 'worker']],
      [['worker', 'control-plane']]
    ])('accepts the roles %j', (roles) => {
      expect(validateCluster(cluster({ nodes: roles.map((role) => ({ role })) }))).toEqual([])
    })

    it('rejects a role that is not control-plane or worker, naming the node', () => {
      expect(validateCluster(cluster({ nodes: [{ role: 'control-plane' }, { role: 'worker' }, { role: 'master' }, { role: 'Worker' }] }))).toEqual([
        'nodes[2].role: "master" is not a role; use control-plane or worker',
        'nodes[3].role: "Worker" is not a role; use control-plane or worker'
      ])
    })

    it('requires at least one control-plane node', () => {
      expect(validateCluster(cluster({ nodes: [{ role: 'worker' }, { role: 'worker' }] }))).toEqual([
        'nodes: no control-plane node; give at least one node the role control-plane'
      ])
      expect(validateCluster(cluster({}, (c) => (c.nodes = [])))).toEqual([
        'nodes: no control-plane node; give at least one node the role control-plane'
      ])
    })

    it('requires an image on every node', () => {
      expect(validateCluster(cluster({ nodes: [{}, { role: 'worker' }] }, (c) => (node(c, 1).image = '')))).toEqual([
        'nodes[1].image: must not be empty; name a node image such as kindest/node:v1.33.1'
      ])
    })
  })

  describe('extraMounts (ours: Docker’s rules)', () => {
    it.each([mount({}), mount({ containerPath: '/var/lib/x', propagation: 'Bidirectional' }), mount({ propagation: 'HostToContainer', readOnly: true })])(
      'accepts %j',
      (m) => {
        expect(validateCluster(cluster({}, (c) => (node(c, 0).extraMounts = [m])))).toEqual([])
      }
    )
    it.each([
      [mount({ containerPath: 'data' }), 'containerPath: "data" is not an absolute path; use a path starting with /'],
      [mount({ containerPath: '' }), 'containerPath: "" is not an absolute path; use a path starting with /'],
      [
        { ...mount({}), propagation: 'rshared' as Mount['propagation'] },
        'propagation: "rshared" is not a mount propagation; use None, HostToContainer or Bidirectional'
      ]
    ])('rejects %j', (m, message) => {
      expect(validateCluster(cluster({}, (c) => (node(c, 0).extraMounts = [mount({}), m])))).toEqual([`nodes[0].extraMounts[1].${message}`])
    })
  })

  describe('extraPortMappings: ports and fields', () => {
    it.each([
      mapping({ hostPort: -1 }),
      mapping({ hostPort: 0 }),
      mapping({ hostPort: 65535, containerPort: 65535 }),
      mapping({ containerPort: 0 }),
      mapping({ protocol: 'UDP' }),
      mapping({ protocol: 'SCTP', listenAddress: '::' }),
      mapping({ listenAddress: '' }),
      mapping({ listenAddress: '::ffff:127.0.0.1', hostPort: 80 })
    ])('accepts %j', (m) => {
      expect(validateCluster(withMappings(m))).toEqual([])
    })

    it.each([
      [{ hostPort: -2 }, `hostPort: -2 is out of range; ${PORT_RANGE}`],
      [{ hostPort: 65536 }, `hostPort: 65536 is out of range; ${PORT_RANGE}`],
      [{ containerPort: -1 }, 'containerPort: -1 is out of range; use 0-65535'],
      [{ containerPort: 70000 }, 'containerPort: 70000 is out of range; use 0-65535'],
      [{ protocol: 'tcp' as PortMapping['protocol'] }, 'protocol: "tcp" is not a protocol; use TCP, UDP or SCTP'],
      [
        { listenAddress: 'localhost' },
        'listenAddress: "localhost" is not an IP address; use an IPv4 or IPv6 address such as 127.0.0.1, 0.0.0.0 or ::'
      ],
      [
        { listenAddress: '[::]', hostPort: -1 },
        'listenAddress: "[::]" is not an IP address; use an IPv4 or IPv6 address such as 127.0.0.1, 0.0.0.0 or ::'
      ]
    ])('rejects %j', (fields, message) => {
      expect(validateCluster(withMappings({}, fields))).toEqual([`nodes[0].extraPortMappings[1].${message}`])
    })
  })

  describe('extraPortMappings: conflicts on (listenAddress, hostPort, protocol)', () => {
    it.each<[string, Array<Partial<PortMapping>>]>([
      ['different ports', [{ hostPort: 80 }, { hostPort: 81 }]],
      ['different protocols', [{ hostPort: 53, protocol: 'TCP' }, { hostPort: 53, protocol: 'UDP' }]],
      ['different specific addresses', [{ hostPort: 80, listenAddress: '127.0.0.1' }, { hostPort: 80, listenAddress: '127.0.0.2' }]],
      ['any number of free ports (0)', [{ hostPort: 0 }, { hostPort: 0 }, { hostPort: 0 }]],
      ['any number of Docker-chosen ports (-1)', [{ hostPort: -1 }, { hostPort: -1 }]],
      ['different container ports on different host ports', [{ hostPort: 80, containerPort: 80 }, { hostPort: 443, containerPort: 80 }]]
    ])('accepts %s', (_name, mappings) => {
      expect(validateCluster(withMappings(...mappings))).toEqual([])
    })

    it.each<[string, Array<Partial<PortMapping>>, string]>([
      [
        'the same address twice',
        [{ hostPort: 80, listenAddress: '127.0.0.1' }, { hostPort: 80, listenAddress: '127.0.0.1', containerPort: 8080 }],
        '127.0.0.1:80/TCP conflicts with nodes[0].extraPortMappings[0] (127.0.0.1:80/TCP)'
      ],
      [
        'a wildcard after a specific address',
        [{ hostPort: 80, listenAddress: '127.0.0.1' }, { hostPort: 80, listenAddress: '0.0.0.0' }],
        '0.0.0.0:80/TCP conflicts with nodes[0].extraPortMappings[0] (127.0.0.1:80/TCP)'
      ],
      [
        'a specific address after a wildcard',
        [{ hostPort: 80, listenAddress: '0.0.0.0' }, { hostPort: 80, listenAddress: '127.0.0.1' }],
        '127.0.0.1:80/TCP conflicts with nodes[0].extraPortMappings[0] (0.0.0.0:80/TCP)'
      ],
      [
        ':: against 0.0.0.0 (both the wildcard)',
        [{ hostPort: 80, listenAddress: '0.0.0.0' }, { hostPort: 80, listenAddress: '::' }],
        '0.0.0.0:80/TCP conflicts with nodes[0].extraPortMappings[0] (0.0.0.0:80/TCP)'
      ],
      [
        ':: against an IPv6 address',
        [{ hostPort: 80, listenAddress: '::1' }, { hostPort: 80, listenAddress: '::' }],
        '0.0.0.0:80/TCP conflicts with nodes[0].extraPortMappings[0] ([::1]:80/TCP)'
      ],
      [
        'an empty address (the wildcard)',
        [{ hostPort: 80, listenAddress: '10.0.0.1' }, { hostPort: 80, listenAddress: '' }],
        '0.0.0.0:80/TCP conflicts with nodes[0].extraPortMappings[0] (10.0.0.1:80/TCP)'
      ],
      [
        'two spellings of one IPv6 address',
        [{ hostPort: 80, listenAddress: 'fd00:0:0::1' }, { hostPort: 80, listenAddress: 'FD00::1' }],
        '[fd00::1]:80/TCP conflicts with nodes[0].extraPortMappings[0] ([fd00::1]:80/TCP)'
      ],
      [
        'an IPv4-mapped address against its IPv4 form',
        [{ hostPort: 80, listenAddress: '127.0.0.1' }, { hostPort: 80, listenAddress: '::ffff:127.0.0.1' }],
        '127.0.0.1:80/TCP conflicts with nodes[0].extraPortMappings[0] (127.0.0.1:80/TCP)'
      ],
      [
        'UDP with UDP',
        [{ hostPort: 53, protocol: 'UDP' }, { hostPort: 53, protocol: 'UDP' }],
        '0.0.0.0:53/UDP conflicts with nodes[0].extraPortMappings[0] (0.0.0.0:53/UDP)'
      ]
    ])('rejects %s', (_name, mappings, message) => {
      expect(validateCluster(withMappings(...mappings))).toEqual([
        `nodes[0].extraPortMappings[1]: ${message}; use another hostPort or listenAddress`
      ])
    })

    it('reports every conflict, not only the first', () => {
      expect(validateCluster(withMappings({ hostPort: 80 }, { hostPort: 80 }, { hostPort: 443 }, { hostPort: 443 }))).toEqual([
        'nodes[0].extraPortMappings[1]: 0.0.0.0:80/TCP conflicts with nodes[0].extraPortMappings[0] (0.0.0.0:80/TCP); use another hostPort or listenAddress',
        'nodes[0].extraPortMappings[3]: 0.0.0.0:443/TCP conflicts with nodes[0].extraPortMappings[2] (0.0.0.0:443/TCP); use another hostPort or listenAddress'
      ])
    })

    it('finds conflicts between nodes too (ours: all nodes publish on one host)', () => {
      const c = cluster({ nodes: [{ extraPortMappings: [{ hostPort: 80 }] }, { role: 'worker', extraPortMappings: [{ hostPort: 80 }] }] })
      expect(validateCluster(c)).toEqual([
        'nodes[1].extraPortMappings[0]: 0.0.0.0:80/TCP conflicts with nodes[0].extraPortMappings[0] (0.0.0.0:80/TCP); use another hostPort or listenAddress'
      ])
    })

    it('finds a conflict with a fixed API server port (ours)', () => {
      const c = cluster({ networking: { apiServerPort: 6443 }, nodes: [{ extraPortMappings: [{ hostPort: 6443 }] }] })
      expect(validateCluster(c)).toEqual([
        'nodes[0].extraPortMappings[0]: 0.0.0.0:6443/TCP conflicts with networking.apiServerPort (127.0.0.1:6443/TCP); use another hostPort or listenAddress'
      ])
      const udp = cluster({ networking: { apiServerPort: 6443 }, nodes: [{ extraPortMappings: [{ hostPort: 6443, protocol: 'UDP' }] }] })
      expect(validateCluster(udp)).toEqual([])
    })
  })

  it('reports every problem of the cluster at once', () => {
    const c = cluster({
      name: 'Bad_Name',
      networking: { ipFamily: 'ipv6', apiServerPort: 70000, podSubnet: '10.0.0.0/8', kubeProxyMode: 'userspace' },
      nodes: [{ role: 'worker', extraPortMappings: [{ hostPort: 80 }, { hostPort: 80, listenAddress: '::' }, { containerPort: -5 }] }]
    })
    expect(validateCluster(c)).toEqual([
      'name: "Bad_Name" is not a valid cluster name; use lower-case letters, digits, "." and "-" (^[a-z0-9.-]+$)',
      `networking.apiServerPort: 70000 is out of range; ${PORT_RANGE}`,
      'networking.podSubnet: "10.0.0.0/8" is an IPv4 CIDR; ipFamily ipv6 takes an IPv6 CIDR',
      'networking.kubeProxyMode: "userspace" is not a proxy mode; use iptables, ipvs, nftables or none',
      'nodes[0].extraPortMappings[2].containerPort: -5 is out of range; use 0-65535',
      'nodes[0].extraPortMappings[1]: 0.0.0.0:80/TCP conflicts with nodes[0].extraPortMappings[0] (0.0.0.0:80/TCP); use another hostPort or listenAddress',
      'nodes: no control-plane node; give at least one node the role control-plane'
    ])
  })
})

describe('clusterWarnings', () => {
  it('has nothing to say about names up to 50 characters', () => {
    expect(clusterWarnings(cluster({ name: 'a'.repeat(50) }))).toEqual([])
  })
  it('warns about a name longer than 50 characters', () => {
    const name = 'a'.repeat(51)
    expect(clusterWarnings(cluster({ name }))).toEqual([
      `name: "${name}" is 51 characters long; names longer than 50 may make node hostnames too long on some systems`
    ])
  })
})
