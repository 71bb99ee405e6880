// Rewrites the golden files from kind's own Go code (see __tests__/fixtures/kubeadm/oracle/README.md).
// Skipped unless KIND_ORACLE / KIND_LB_ORACLE name the compiled oracles.

import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import type { PatchJSON6902 } from '../../../src/config/types.js'
import { kubeadmDataForNode, type KubeadmConfigData } from '../../../src/kubeadm/render.js'
import { fixturePath, readFixture } from './golden.js'
import { cniScenarios, haproxyScenarios, kubeadmScenarios } from './scenarios.js'

const KIND_ORACLE = process.env.KIND_ORACLE
const LB_ORACLE = process.env.KIND_LB_ORACLE

interface OracleResponse {
  out: string
  err?: string
}

function ask<T>(binary: string, requests: unknown[]): T[] {
  return JSON.parse(execFileSync(binary, { input: JSON.stringify(requests), maxBuffer: 1 << 26 }).toString()) as T[]
}

function goConfigData(d: KubeadmConfigData): Record<string, unknown> {
  return {
    ClusterName: d.clusterName,
    KubernetesVersion: d.kubernetesVersion,
    ControlPlaneEndpoint: d.controlPlaneEndpoint,
    APIBindPort: 6443,
    APIServerAddress: d.apiServerAddress,
    NodeProvider: 'docker',
    ControlPlane: d.controlPlane,
    NodeAddress: d.nodeAddress,
    NodeName: d.nodeName,
    Token: 'abcdef.0123456789abcdef',
    KubeProxyMode: d.kubeProxyMode,
    PodSubnet: d.podSubnet,
    ServiceSubnet: d.serviceSubnet,
    FeatureGates: d.featureGates,
    RuntimeConfig: d.runtimeConfig,
    IPFamily: d.ipFamily,
    NodeLabels: d.nodeLabels,
    RootlessProvider: d.rootless
  }
}

function goPatches(ps: PatchJSON6902[]): Record<string, string>[] {
  return ps.map((p) => ({ Group: p.group, Version: p.version, Kind: p.kind, Patch: p.patch }))
}

function write(name: string, r: OracleResponse): void {
  expect(r.err, name).toBeUndefined()
  writeFileSync(fixturePath(name), r.out)
}

describe.runIf(KIND_ORACLE)('goldens from kind v0.32.0', () => {
  it('kubeadm configs', () => {
    const requests = kubeadmScenarios.map((s) => {
      const node = s.cluster.nodes[s.nodeIndex]
      if (!node) throw new Error(`${s.golden}: no node ${s.nodeIndex}`)
      const data = kubeadmDataForNode(s.cluster, node, s.nodeName, s.ips, s.kubernetesVersion, s.controlPlaneEndpoint)
      return {
        op: 'kubeadm',
        data: goConfigData(data),
        patches: s.cluster.kubeadmConfigPatches,
        json: goPatches(s.cluster.kubeadmConfigPatchesJSON6902),
        nodePatches: node.kubeadmConfigPatches,
        nodeJSON: goPatches(node.kubeadmConfigPatchesJSON6902)
      }
    })
    ask<OracleResponse>(KIND_ORACLE as string, requests).forEach((r, i) => write(kubeadmScenarios[i]?.golden as string, r))
  })

  it('default CNI manifests', () => {
    const requests = cniScenarios.map((s) => ({
      op: 'cni',
      text: readFixture(s.manifest),
      podSubnet: s.podSubnet,
      endpoint: s.controlPlaneEndpoint
    }))
    ask<OracleResponse>(KIND_ORACLE as string, requests).forEach((r, i) => write(cniScenarios[i]?.golden as string, r))
  })
})

describe.runIf(LB_ORACLE)('goldens from kind v0.31.0', () => {
  it('haproxy configs', () => {
    const requests = haproxyScenarios.map((s) => ({ servers: s.controlPlanes, ipv6: s.ipFamily === 'ipv6' }))
    ask<string>(LB_ORACLE as string, requests).forEach((out, i) => {
      writeFileSync(fixturePath(haproxyScenarios[i]?.golden as string), out)
    })
  })
})
