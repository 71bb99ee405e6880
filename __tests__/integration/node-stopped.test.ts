// A command whose node container is killed under it (issue 18): the error must say the container
// stopped and how, not only the command's exit code. Against the real Docker Engine.
import { execFileSync } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DockerodePort } from '../../src/docker/dockerode-port.js'
import { NodeCommandError, NodeStoppedError, run } from '../../src/cluster/node-exec.js'
import { ensureBusyboxImage, BUSYBOX_IMAGE, uniqueName } from '../helpers/docker.js'

const docker = new DockerodePort()
const name = uniqueName('stopped')

async function startNode(): Promise<void> {
  await docker.removeContainer(name).catch(() => undefined)
  await docker.createContainer({ name, Image: BUSYBOX_IMAGE, Cmd: ['sleep', '600'], Labels: { 'kind-action.test': name }, HostConfig: {} })
  await docker.startContainer(name)
}

describe('a node container that stops while a command runs in it', () => {
  beforeAll(() => ensureBusyboxImage())
  afterAll(() => docker.removeContainer(name).catch(() => undefined))

  it('killed: a NodeStoppedError naming the node, the command and the exit code with its signal', async () => {
    await startNode()
    const command = run(docker, name, ['sh', '-c', 'echo started; sleep 30'])
    await new Promise(resolve => setTimeout(resolve, 500))
    execFileSync('docker', ['kill', name], { stdio: 'ignore' })
    const error = await command.then(() => undefined, (e: unknown) => e)
    expect(error).toBeInstanceOf(NodeStoppedError)
    expect((error as Error).message).toMatch(new RegExp(`^node ${name} stopped while running sh -c: its container exited with code 137 \\(SIGKILL\\)\\. Something outside this step stopped it`))
  })

  it('still running: a plain NodeCommandError with the exit code and output', async () => {
    await startNode()
    const error = await run(docker, name, ['sh', '-c', 'echo oops; exit 3']).then(() => undefined, (e: unknown) => e)
    expect(error).toBeInstanceOf(NodeCommandError)
    expect(error).not.toBeInstanceOf(NodeStoppedError)
    expect((error as Error).message).toMatch(/^command failed on node .* \(exit code 3\)/)
  })
})
