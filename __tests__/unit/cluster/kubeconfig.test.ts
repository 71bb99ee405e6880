import { mkdtempSync, readFileSync, statSync, writeFileSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import YAML from 'yaml'
import {
  exportKubeconfig,
  kindKubeconfig,
  mergeKubeconfig,
  removeFromKubeconfig,
  removeKubeconfigEntries,
  resolveKubeconfigPath
} from '../../../src/cluster/kubeconfig.js'

const ADMIN_CONF = `apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: Q0E=
    server: https://kind-control-plane:6443
  name: kind
contexts:
- context:
    cluster: kind
    user: kubernetes-admin
  name: kubernetes-admin@kind
current-context: kubernetes-admin@kind
kind: Config
preferences: {}
users:
- name: kubernetes-admin
  user:
    client-certificate-data: Q0VSVA==
    client-key-data: S0VZ
`

describe('kindKubeconfig', () => {
  it('renames everything to kind-<name> and points the server at the host port', () => {
    const doc = kindKubeconfig(ADMIN_CONF, 'ci', 'https://127.0.0.1:40123')
    expect(doc.clusters).toEqual([
      { name: 'kind-ci', cluster: { 'certificate-authority-data': 'Q0E=', server: 'https://127.0.0.1:40123' } }
    ])
    expect(doc.users).toEqual([{ name: 'kind-ci', user: { 'client-certificate-data': 'Q0VSVA==', 'client-key-data': 'S0VZ' } }])
    expect(doc.contexts).toEqual([{ name: 'kind-ci', context: { cluster: 'kind-ci', user: 'kind-ci' } }])
    expect(doc['current-context']).toBe('kind-ci')
  })

  it('refuses an admin.conf with several clusters', () => {
    const two = ADMIN_CONF.replace('  name: kind\n', '  name: kind\n- cluster: {server: x}\n  name: other\n')
    expect(() => kindKubeconfig(two, 'ci', 'https://x')).toThrow(/exactly one cluster/)
  })
})

describe('merge and remove', () => {
  const ours = kindKubeconfig(ADMIN_CONF, 'a', 'https://127.0.0.1:1')

  it('adds kind defaults to an empty file and replaces same-named entries in place', () => {
    const first = mergeKubeconfig({}, ours)
    expect(first.apiVersion).toBe('v1')
    expect(first.kind).toBe('Config')
    const other = { name: 'other', cluster: { server: 'https://other' } }
    const withOther = { ...first, clusters: [...first.clusters!, other] }
    const again = mergeKubeconfig(withOther, kindKubeconfig(ADMIN_CONF, 'a', 'https://127.0.0.1:2'))
    expect(again.clusters!.map(c => c.name)).toEqual(['kind-a', 'other'])
    expect((again.clusters![0].cluster as { server: string }).server).toBe('https://127.0.0.1:2')
  })

  it('removes only kind-<name> and clears current-context when it pointed there', () => {
    const both = mergeKubeconfig(mergeKubeconfig({}, ours), kindKubeconfig(ADMIN_CONF, 'b', 'https://127.0.0.1:3'))
    const removed = removeFromKubeconfig(both, 'b')!
    expect(removed.contexts!.map(c => c.name)).toEqual(['kind-a'])
    expect(removed['current-context']).toBe('')
    expect(removeFromKubeconfig(removed, 'b')).toBeUndefined()
  })
})

describe('files', () => {
  it('writes mode 0600 with sorted keys, and removes entries again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kc-'))
    const path = join(dir, 'nested', 'config')
    await exportKubeconfig(path, kindKubeconfig(ADMIN_CONF, 'a', 'https://127.0.0.1:1'))
    expect(statSync(path).mode & 0o777).toBe(0o600)
    const text = readFileSync(path, 'utf8')
    expect(Object.keys(YAML.parse(text))).toEqual(['apiVersion', 'clusters', 'contexts', 'current-context', 'kind', 'preferences', 'users'])
    expect(existsSync(`${path}.lock`)).toBe(false)
    expect(await removeKubeconfigEntries(path, 'a')).toBe(true)
    expect(YAML.parse(readFileSync(path, 'utf8')).clusters).toEqual([])
    expect(await removeKubeconfigEntries(path, 'a')).toBe(false)
  })

  it('waits for a lock held by someone else, then fails clearly', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kc-'))
    const path = join(dir, 'config')
    writeFileSync(`${path}.lock`, '')
    await expect(exportKubeconfig(path, kindKubeconfig(ADMIN_CONF, 'a', 'https://x'))).rejects.toThrow(/could not lock kubeconfig/)
  })

  it('resolves the target file as kind does', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kc-'))
    const existing = join(dir, 'b')
    writeFileSync(existing, '')
    expect(resolveKubeconfigPath('/explicit', 'x:y', '/home/u')).toBe('/explicit')
    expect(resolveKubeconfigPath('', undefined, '/home/u')).toBe('/home/u/.kube/config')
    expect(resolveKubeconfigPath('', '/only', '/home/u')).toBe('/only')
    expect(resolveKubeconfigPath('', `${join(dir, 'a')}:${existing}`, '/h')).toBe(existing)
    expect(resolveKubeconfigPath('', `${join(dir, 'a')}:${join(dir, 'c')}`, '/h')).toBe(join(dir, 'c'))
  })
})
