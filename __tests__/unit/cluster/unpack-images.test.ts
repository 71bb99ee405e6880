import { describe, expect, it } from 'vitest'
import { imagesToUnpack, partitionForInit } from '../../../src/cluster/unpack-images.js'

describe('imagesToUnpack', () => {
  it('the bootstrap control plane runs everything: the static pods first, then CNI, then the addons, each once', () => {
    expect(imagesToUnpack('control-plane', true)).toEqual([
      'pause',
      'etcd',
      'kube-apiserver',
      'kube-controller-manager',
      'kube-scheduler',
      'kindnetd',
      'kube-proxy',
      'coredns',
      'local-path-provisioner'
    ])
  })

  it('a joining control plane does not unpack the addons, which land on the bootstrap node (Ready first)', () => {
    const images = imagesToUnpack('control-plane', false)
    expect(images).toContain('etcd')
    expect(images).not.toContain('coredns')
    expect(images).not.toContain('local-path-provisioner')
  })

  it('a worker unpacks only what every node runs, kindnetd (which makes it Ready) before kube-proxy', () => {
    expect(imagesToUnpack('worker', false)).toEqual(['pause', 'kindnetd', 'kube-proxy'])
  })
})

describe('partitionForInit', () => {
  it("splits the bootstrap node's images into init's, the node's DaemonSets' and the addons', in order", () => {
    expect(partitionForInit(imagesToUnpack('control-plane', true))).toEqual({
      forInit: ['pause', 'etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler'],
      forNode: ['kindnetd', 'kube-proxy'],
      forAddons: ['coredns', 'local-path-provisioner']
    })
    expect(partitionForInit(imagesToUnpack('control-plane', true), 2)).toEqual(partitionForInit(imagesToUnpack('control-plane', true)))
  })

  it('on more cores than the waves were measured on, unpacks the DaemonSets\' images with init\'s at boot', () => {
    expect(partitionForInit(imagesToUnpack('control-plane', true), 4)).toEqual({
      forInit: ['pause', 'etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kindnetd', 'kube-proxy'],
      forNode: [],
      forAddons: ['coredns', 'local-path-provisioner']
    })
  })
})
