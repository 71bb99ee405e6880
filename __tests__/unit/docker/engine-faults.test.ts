// How an Engine that went away, or ran out of disk, mid-creation is told to the user (issue 18).
import { describe, expect, it } from 'vitest'
import { dockerDiskFull, dockerStoppedAnswering, dockerUnreachable } from '../../../src/docker/unreachable.js'

const refused = Object.assign(new Error('connect ENOENT /tmp/d.sock'), { syscall: 'connect', code: 'ENOENT' })
const env = { DOCKER_HOST: 'unix:///tmp/d.sock' }

describe('Engine faults', () => {
  it('a refused connection after the Engine answered: stopped answering during the phase', () => {
    expect(dockerStoppedAnswering(refused, env, 'kubeadm init')?.message).toMatch(/^the Docker Engine stopped answering \(restarted\?\) during kubeadm init: unix:\/\/\/tmp\/d\.sock \(ENOENT/)
    expect(dockerUnreachable(refused, env)?.message).toMatch(/start the Docker Engine before this step/)
  })

  it('other errors are left alone', () => {
    expect(dockerStoppedAnswering(new Error('boom'), env, 'x')).toBeUndefined()
    expect(dockerDiskFull(new Error('boom'), 'x')).toBeUndefined()
  })

  it('ENOSPC names the node, the data root and what to do', () => {
    const e = new Error('(HTTP code 500) server error - failed to copy files: userspace copy failed: write /srv/docker/volumes/abc/_data/lib/x: no space left on device ')
    expect(dockerDiskFull(e, 'Booting c-control-plane')?.message).toMatch(
      /^no space left on device on the Docker host while creating node c-control-plane: free space in Docker's data root \(\/srv\/docker\) .* or use fewer nodes; the Engine said: .*device$/
    )
  })
})
