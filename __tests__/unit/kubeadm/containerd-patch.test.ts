import { parse } from 'smol-toml'
import { describe, expect, it } from 'vitest'
import { CONTAINERD_CONFIG_PATH, patchContainerdConfig } from '../../../src/kubeadm/containerd-patch.js'
import { readFixture } from './golden.js'

const v2 = readFixture('containerd-config-v2.toml')
const v3 = readFixture('containerd-config-v3.toml')
const CRI = 'io.containerd.grpc.v1.cri'

function patched(config: string, patches: string[], json: string[] = []): Record<string, unknown> {
  return parse(patchContainerdConfig(config, patches, json)) as Record<string, unknown>
}

describe('patchContainerdConfig', () => {
  it('merges TOML patches into the config', () => {
    const out = patched(v2, [`[plugins."${CRI}".registry]\nconfig_path = "/etc/containerd/certs.d"\n`])
    expect(out).toMatchObject({
      version: 2,
      plugins: {
        [CRI]: {
          registry: { config_path: '/etc/containerd/certs.d' },
          sandbox_image: 'registry.k8s.io/pause:3.10',
          containerd: { snapshotter: 'overlayfs', runtimes: { runc: { options: { SystemdCgroup: true } } } }
        }
      }
    })
  })

  it('skips patches written for another config version', () => {
    const patches = [
      `version = 2\n[plugins."${CRI}".containerd]\nsnapshotter = "native"\n`,
      'version = 3\n[plugins."io.containerd.cri.v1.images"]\nsnapshotter = "native"\n',
      `[plugins."${CRI}"]\nrestrict_oom_score_adj = true\n`
    ]
    const onV2 = patched(v2, patches) as { plugins: Record<string, Record<string, unknown>> }
    expect(onV2.plugins[CRI]).toMatchObject({ containerd: { snapshotter: 'native' }, restrict_oom_score_adj: true })
    expect(onV2.plugins['io.containerd.cri.v1.images']).toBeUndefined()
    const onV3 = patched(v3, patches) as { plugins: Record<string, Record<string, unknown>> }
    expect(onV3.plugins['io.containerd.cri.v1.images']).toMatchObject({ snapshotter: 'native' })
    expect(onV3.plugins[CRI]).toEqual({ restrict_oom_score_adj: true })
  })

  it('applies the JSON 6902 patches after the merge patches', () => {
    const out = patched(
      v2,
      [`[plugins."${CRI}".containerd]\ndiscard_unpacked_layers = false\n`],
      [
        `[{"op": "test", "path": "/plugins/${CRI}/containerd/discard_unpacked_layers", "value": false}, {"op": "remove", "path": "/proxy_plugins"}]`,
        `[{"op": "add", "path": "/plugins/${CRI}/containerd/runtimes/runc/options/BinaryName", "value": "crun"}]`,
        'null'
      ]
    ) as { proxy_plugins?: unknown; plugins: Record<string, { containerd: { runtimes: { runc: { options: unknown } } } }> }
    expect(out.proxy_plugins).toBeUndefined()
    expect(out.plugins[CRI]?.containerd.runtimes.runc.options).toEqual({ BinaryName: 'crun', SystemdCgroup: true })
  })

  it('keeps only what survives JSON, like kind: dates become strings, 1.0 becomes 1, nulls vanish', () => {
    const text = patchContainerdConfig(
      'version = 2\n[a]\nwhen = 1979-05-27T07:32:00Z\nday = 1979-05-27\nratio = 1.0\nhalf = 0.5\n',
      [],
      ['[{"op": "add", "path": "/a/gone", "value": null}, {"op": "add", "path": "/a/big", "value": 1}]']
    )
    expect(text).toBe('version = 2\n\n[a]\nbig = 1\nday = "1979-05-27"\nhalf = 0.5\nratio = 1\nwhen = "1979-05-27T07:32:00Z"\n')
  })

  it('keeps integers beyond 2^53 exact', () => {
    expect(patchContainerdConfig('version = 2\nmax = 9223372036854775807\n', ['x = 1'], [])).toBe(
      'max = 9223372036854775807\nversion = 2\nx = 1\n'
    )
  })

  it('explains failures', () => {
    expect(() => patchContainerdConfig('[a]\nb = 1\n', [], [])).toThrow(
      `failed to detect containerd config version in ${CONTAINERD_CONFIG_PATH}`
    )
    expect(() => patchContainerdConfig(v2, ['[a'], [])).toThrow(/^containerdConfigPatches\[0\]: invalid TOML/)
    expect(() => patchContainerdConfig(v2, [], ['- op: add'])).toThrow(/^containerdConfigPatchesJSON6902\[0\]: not a JSON list/)
    expect(() => patchContainerdConfig(v2, [], ['[{"op": "remove", "path": "/nope"}]'])).toThrow(
      'containerdConfigPatchesJSON6902[0]: operation 0 (remove "/nope"): "/nope" does not exist'
    )
    expect(() => patchContainerdConfig(v2, [], ['[{"op": "add", "path": "/l", "value": [1, null]}]'])).toThrow(
      'cannot write null at /l/1 as TOML'
    )
  })
})
