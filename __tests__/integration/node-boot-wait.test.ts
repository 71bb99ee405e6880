// The wait for a node's boot (kind's readiness line in its log) against the real Docker Engine: a
// container that prints the line passes, one that never does fails after the wait it was given, with
// an error that names the node, the wait and the variable that lengthens it. (A TTY, as kind's nodes
// have: their log is one plain stream.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startContainer } from '../../src/cluster/actions/nodes.js'
import type { PlannedContainer } from '../../src/cluster/container-plan.js'
import { DockerodePort } from '../../src/docker/dockerode-port.js'
import { ensureBusyboxImage, BUSYBOX_IMAGE, uniqueName } from '../helpers/docker.js'

const docker = new DockerodePort()
const booting = uniqueName('boots')
const silent = uniqueName('never-boots')

function node(name: string, script: string): PlannedContainer {
  return {
    name,
    role: 'worker',
    spec: { name, Image: BUSYBOX_IMAGE, Cmd: ['sh', '-c', script], Tty: true, Labels: { 'kind-action.test': name }, HostConfig: {} }
  }
}

describe("waiting for a node's boot", () => {
  beforeAll(() => ensureBusyboxImage())
  afterAll(async () => {
    for (const name of [booting, silent]) await docker.removeContainer(name).catch(() => undefined)
  })

  it('returns once the readiness line appears, even after a slow start', async () => {
    await startContainer(docker, node(booting, 'sleep 2; echo "[  OK  ] Reached target multi-user.target - Multi-User System."; exec sleep 600'), 20_000)
    expect(await docker.logs(booting)).toContain('Reached target')
  })

  it('fails after the wait given, naming the node, the wait, KIND_ACTION_NODE_BOOT_WAIT and the last output', async () => {
    const error = await startContainer(docker, node(silent, 'echo still starting; exec sleep 600'), 2_500).then(
      () => undefined,
      (e: unknown) => e as Error
    )
    expect(error?.message).toMatch(
      new RegExp(`^node ${silent} did not boot within 2\\.5 s \\(no log line matching .*; on a slow host, set KIND_ACTION_NODE_BOOT_WAIT to wait longer\\); its last output:\\nstill starting$`)
    )
  })
})
