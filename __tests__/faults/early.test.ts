// Faults that stop a creation before or as its first container starts (issue 18): each through
// dist/main and dist/post as a runner runs them, each checked by fault-checks.ts.
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { KIND_HEADER } from '../helpers/kind-configs.js'
import { ECHO, NODE_IMAGE, newRunner, runMain, runPost } from '../e2e/harness.js'
import {
  clusterFootprint, createBystander, expectNothingLeft, expectOneError, forceRemove, removeBystander, seededKubeconfig, summaryFailedPhase,
  takenLoopbackPort
} from './fault-checks.js'
import { existsSync } from 'node:fs'

interface Case {
  cluster: string
  inputs?: Record<string, string>
  env?: Record<string, string>
  errors: RegExp[]
  /** The failed phase the job summary names; undefined when the step failed validating inputs (no summary). */
  summaryPhase?: string
  /** Whether post collects a bundle into logs_dir (logs: on-failure, once creation began). */
  bundle: boolean
}

async function failingCase(c: Case): Promise<void> {
  const runner = newRunner()
  const kubeconfig = seededKubeconfig(runner)
  const logsDir = join(runner.base, 'logs')
  try {
    const inputs = { cluster_name: c.cluster, node_image: NODE_IMAGE, kubeconfig, logs_dir: logsDir, ...c.inputs }
    const main = await runMain(runner, inputs, { echo: ECHO, env: c.env })
    expect(main.exitCode, main.log.slice(-3000)).toBe(1)
    expectOneError(main.log, ...c.errors)
    expect(summaryFailedPhase(runner)).toBe(c.summaryPhase)
    const before = await clusterFootprint(c.cluster)
    const post = await runPost(runner, main.step, { echo: ECHO, env: c.env })
    expect(post.exitCode, post.log).toBe(0)
    expect(post.log, post.log).not.toMatch(/::error::/)
    expect(existsSync(logsDir)).toBe(c.bundle)
    await expectNothingLeft(c.cluster, kubeconfig, before)
  } finally {
    await forceRemove(c.cluster)
  }
}

describe('faults before or at the first container', () => {
  beforeAll(() => createBystander(NODE_IMAGE))
  afterAll(() => removeBystander())

  it('kubeconfig is a directory: fails validating inputs, naming kubeconfig, before Docker', async () => {
    await failingCase({
      cluster: 'flt-kubeconfig-dir',
      inputs: { kubeconfig: '/tmp' },
      errors: [/^::error::validating inputs: invalid input: kubeconfig: \/tmp is a directory; name a file/],
      bundle: false
    })
  })

  it('kubeconfig cannot be created (a file where its directory should be): fails naming kubeconfig', async () => {
    await failingCase({
      cluster: 'flt-kubeconfig-ro',
      inputs: { kubeconfig: '/etc/hostname/kubeconfig' },
      errors: [/^::error::validating inputs: invalid input: kubeconfig: \/etc\/hostname\/kubeconfig cannot be created: \/etc\/hostname is not a directory/],
      bundle: false
    })
  })

  it('KIND_ACTION_NODE_BOOT_WAIT is not a duration: fails before Docker, naming the variable and what it takes', async () => {
    await failingCase({
      cluster: 'flt-boot-wait',
      env: { KIND_ACTION_NODE_BOOT_WAIT: 'ten minutes' },
      errors: [/^::error::validating inputs: KIND_ACTION_NODE_BOOT_WAIT="ten minutes": not a duration above zero; write it as 90s, 5m or 1m30s \(unset: 60 s\)$/m],
      bundle: false
    })
  })

  it('the Docker socket is unreachable from the start: says so and what to do; post does not crash', async () => {
    await failingCase({
      cluster: 'flt-no-docker',
      env: { DOCKER_HOST: 'unix:///nonexistent' },
      errors: [/^::error::Checking the cluster name is free: cannot reach the Docker Engine at unix:\/\/\/nonexistent \(ENOENT/, /start the Docker Engine/],
      summaryPhase: 'Checking the cluster name is free',
      bundle: false
    })
  })

  it('the node image is missing and cannot be pulled: names the image and what to do', async () => {
    const image = 'kindest/node:v1.37.2-flt-missing'
    await failingCase({
      cluster: 'flt-no-image',
      inputs: { node_image: image },
      errors: [new RegExp(`^::error::Preparing images, network and host: image ${image} is not on the Docker host and pulling`), /put the image on the Docker host before this step \(docker load/],
      summaryPhase: 'Preparing images, network and host',
      bundle: true
    })
  })

  describe('a host port of extraPortMappings is taken', () => {
    const taken = takenLoopbackPort()
    let port: number
    beforeAll(async () => (port = await taken.open()))
    afterAll(() => taken.close())

    it('fails booting the node, naming the field and the port', async () => {
      const config = `${KIND_HEADER}nodes:\n- role: control-plane\n  extraPortMappings:\n  - containerPort: 80\n    hostPort: ${port}\n    listenAddress: 127.0.0.1\n`
      await failingCase({
        cluster: 'flt-port-taken',
        inputs: { config },
        errors: [new RegExp(`nodes\\[0\\]\\.extraPortMappings\\[0\\]\\.hostPort: host port 127\\.0\\.0\\.1:${port} is already in use`)],
        summaryPhase: 'Booting flt-port-taken-control-plane',
        bundle: true
      })
    })
  })
})
