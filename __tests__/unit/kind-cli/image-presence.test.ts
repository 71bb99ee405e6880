// kind load docker-image's per-node decision (kind-spec §8.1): skip, re-tag, or load. The node's
// crictl/ctr are answered by the log exporter's fake port with what a node's containerd reports.
import { describe, expect, it } from 'vitest'
import { nodeImageState } from '../../../src/cluster/image-presence.js'
import { fakeDocker } from '../logs/fake-docker.js'

const ID = 'sha256:1111'
const node = { name: 'n', role: 'worker', cluster: 'c' }

function withImages(images: { id: string; repoTags: string[] }[], tagExit = 0) {
  return fakeDocker([node], (_n, command) => {
    if (command[0] === 'crictl') {
      const found = images.find(i => i.id === command[2] || i.repoTags.includes(command[2]))
      return found ? { stdout: JSON.stringify({ status: found }) } : { exitCode: 1, stderr: 'no such image' }
    }
    if (command[0] === 'ctr') return { exitCode: tagExit }
    return { exitCode: 127 }
  })
}

describe('nodeImageState', () => {
  it('is present when the ID carries the normalised name', async () => {
    const docker = withImages([{ id: ID, repoTags: ['docker.io/library/app:latest'] }])
    expect(await nodeImageState(docker, 'n', 'app', ID)).toBe('present')
    expect(docker.commands).toEqual(['n: crictl inspecti sha256:1111'])
  })

  it('re-tags when the ID is there under another name, and loads when the tag fails', async () => {
    const docker = withImages([{ id: ID, repoTags: ['docker.io/library/other:v1'] }])
    expect(await nodeImageState(docker, 'n', 'app:v2', ID)).toBe('retagged')
    expect(docker.commands[1]).toBe('n: ctr --namespace=k8s.io images tag --force sha256:1111 docker.io/library/app:v2')
    expect(await nodeImageState(withImages([{ id: ID, repoTags: ['x:1'] }], 1), 'n', 'app:v2', ID)).toBe('load')
  })

  it('loads when the node has the name with another ID, or nothing', async () => {
    expect(await nodeImageState(withImages([{ id: 'sha256:2222', repoTags: ['app:v1'] }]), 'n', 'app:v1', ID)).toBe('load')
    expect(await nodeImageState(withImages([]), 'n', 'app:v1', ID)).toBe('load')
  })
})
