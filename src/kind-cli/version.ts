// What `kind version` prints. The kind release this CLI follows comes first, so scripts that read the
// version (`kind version | grep -o 'v[0-9.]*'`, checks for v0.32+) get v0.33.0; semver build metadata
// (`+kind-action.<version>`, a form kind's own pre-release builds use too) and the runtime in Go's
// place say honestly that it is this action's CLI on Node.js, not kind's Go binary.
import { KIND_RELEASE } from '../node-images.js'
import { ACTION_VERSION } from '../logs/version.js'

const GO_ARCH: Record<string, string> = { x64: 'amd64', arm64: 'arm64', ia32: '386', arm: 'arm' }

/** The version alone (`kind version -q`), without the leading v, as kind prints it. */
export function cliVersion(): string {
  return `${KIND_RELEASE.replace(/^v/, '')}+kind-action.${ACTION_VERSION}`
}

/** `kind v<version> <runtime> <os>/<arch>`, kind's DisplayVersion layout. */
export function displayVersion(nodeVersion = process.version, platform: string = process.platform, arch: string = process.arch): string {
  return `kind v${cliVersion()} node${nodeVersion.replace(/^v/, '')} ${platform}/${GO_ARCH[arch] ?? arch}`
}
