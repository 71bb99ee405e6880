// The speed-ups that run beside kind's actions, each waiting for the milestones it needs. The others
// change how an action runs, and the action asks for them by name (c.speedUp): pipelined-creation,
// init-certs-while-booting, addons-through-api, kubelet-finalize-alongside, join-assist.
import type { Creation } from '../creation/context.js'
import { controllerAccountsAhead } from './controller-accounts-ahead.js'
import { podCgroupRaceWatch } from './pod-cgroup-race-watch.js'
import { unpackImagesAhead } from './unpack-images-ahead.js'

export function startSpeedUps(c: Creation): void {
  unpackImagesAhead(c)
  controllerAccountsAhead(c)
  podCgroupRaceWatch(c)
}
