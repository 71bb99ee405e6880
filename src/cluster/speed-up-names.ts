// The speed-ups by name, and the one switch that turns them off (docs/design/README.md). With every one
// off, creation runs kind's actions in kind's strict order, so a user can rule them out in one line.
import { closestName } from '../config/suggest.js'

export const SPEED_UPS_VARIABLE = 'KIND_ACTION_SPEEDUPS'

export const SPEED_UPS = [
  'pipelined-creation',
  'init-certs-while-booting',
  'unpack-images-ahead',
  'controller-accounts-ahead',
  'addons-through-api',
  'kubelet-finalize-alongside',
  'join-assist',
  'pod-cgroup-race-watch'
] as const

export type SpeedUpName = (typeof SPEED_UPS)[number]
export type SpeedUps = ReadonlySet<SpeedUpName>

export const ALL_SPEED_UPS: SpeedUps = new Set(SPEED_UPS)

/**
 * The switch's value: unset, "" or "on": all on; "off": none; "-a,-b": all but those; "a,b": only those.
 * Anything else is an error that names the variable, so a typo never silently leaves a speed-up on.
 */
export function parseSpeedUps(value: string | undefined): SpeedUps {
  const text = (value ?? '').trim()
  if (text === '' || text === 'on') return ALL_SPEED_UPS
  if (text === 'off') return new Set()
  const entries = text.split(',').map(entry => entry.trim()).filter(Boolean)
  const negated = entries.filter(entry => entry.startsWith('-'))
  if (negated.length && negated.length !== entries.length) {
    throw new Error(`${SPEED_UPS_VARIABLE}="${text}": either list the speed-ups to turn off (-name,-name) or the only ones to keep on (name,name), not both`)
  }
  const names = entries.map(entry => checkedName(entry.replace(/^-/, ''), text))
  return negated.length ? new Set(SPEED_UPS.filter(name => !names.includes(name))) : new Set(names)
}

function checkedName(name: string, text: string): SpeedUpName {
  if ((SPEED_UPS as readonly string[]).includes(name)) return name as SpeedUpName
  const hint = closestName(name, SPEED_UPS)
  throw new Error(
    `${SPEED_UPS_VARIABLE}="${text}": unknown speed-up "${name}"${hint ? ` (did you mean "${hint}"?)` : ''}; ` +
      `the value is "on", "off", or a comma list of: ${SPEED_UPS.join(', ')}`
  )
}

/** One line for the log when some are off (nothing when all are on, the default). */
export function describeSpeedUps(on: SpeedUps): string | undefined {
  if (on.size === SPEED_UPS.length) return undefined
  if (on.size === 0) return `${SPEED_UPS_VARIABLE}: every speed-up is off; creation runs kind's actions in kind's order`
  return `${SPEED_UPS_VARIABLE}: off: ${SPEED_UPS.filter(name => !on.has(name)).join(', ')}`
}
