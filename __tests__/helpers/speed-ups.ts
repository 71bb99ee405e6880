// The speed-ups this test run has on: the e2e suite runs with them all on (tier e2e) and all off
// (tier e2e-strict, KIND_ACTION_SPEEDUPS=off); a test about one speed-up runs only when it is on.
import { parseSpeedUps, type SpeedUpName } from '../../src/cluster/speed-up-names.js'

const on = parseSpeedUps(process.env.KIND_ACTION_SPEEDUPS)

export const speedUpOn = (name: SpeedUpName): boolean => on.has(name)
