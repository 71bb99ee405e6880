// The node image's default CNI manifest, prepared the way kind's installcni action does (§5.5).
// Both steps are opt-in markers in the manifest: templating fills in the pod subnet, patching gives
// kindnet the API server's internal endpoint so it does not have to wait for kube-proxy. The patch
// re-encodes the whole stream, so a leading comment-only document becomes a `null` document (kubectl
// skips it).

import { kubeYAML } from './kubeyaml.js'

export const DEFAULT_CNI_MANIFEST_PATH = '/kind/manifests/default-cni.yaml'
const TEMPLATE_MARKER = 'would you kindly template this file'
const PATCH_MARKER = 'would you kindly patch this file'

export class CNIManifestError extends Error {
  override name = 'CNIManifestError'
}

export interface CNIManifestInput {
  /** networking.podSubnet, comma-joined for dual stack. */
  podSubnet: string
  /** The internal API server endpoint, e.g. `kind-control-plane:6443`. */
  controlPlaneEndpoint: string
}

// kind executes the manifest as a Go text/template with only `.PodSubnet` defined; this supports
// that one action, with or without spaces and with the `{{- `/` -}}` whitespace trimming markers.
const TRIM_LEFT = /^-[ \t\r\n]/
const TRIM_RIGHT = /[ \t\r\n]-$/
const TRAILING_SPACE = /[ \t\r\n]+$/
const LEADING_SPACE = /^[ \t\r\n]+/

function template(manifest: string, podSubnet: string): string {
  let out = ''
  let rest = manifest
  for (let open = rest.indexOf('{{'); open >= 0; open = rest.indexOf('{{')) {
    const close = rest.indexOf('}}', open + 2)
    if (close < 0) throw new CNIManifestError('unclosed template action in the default CNI manifest')
    let text = rest.slice(0, open)
    let inner = rest.slice(open + 2, close)
    const trimRight = TRIM_RIGHT.test(inner)
    if (TRIM_LEFT.test(inner)) {
      text = text.replace(TRAILING_SPACE, '')
      inner = inner.slice(1)
    }
    if (trimRight) inner = inner.slice(0, -1)
    if (inner.trim() !== '.PodSubnet') {
      throw new CNIManifestError(`unsupported template action {{${inner.trim()}}} in the default CNI manifest`)
    }
    out += text + podSubnet
    rest = rest.slice(close + 2)
    if (trimRight) rest = rest.replace(LEADING_SPACE, '')
  }
  return out + rest
}

export function renderDefaultCNIManifest(manifest: string, input: CNIManifestInput): string {
  let out = manifest
  if (out.includes(TEMPLATE_MARKER)) out = template(out, input.podSubnet)
  if (out.includes(PATCH_MARKER)) {
    const operations = [
      {
        op: 'add',
        path: '/spec/template/spec/containers/0/env/-',
        value: { name: 'CONTROL_PLANE_ENDPOINT', value: input.controlPlaneEndpoint }
      }
    ]
    out = kubeYAML(out, [], [{ group: 'apps', version: 'v1', kind: 'DaemonSet', patch: JSON.stringify(operations) }], {
      merge: 'default CNI manifest merge patch',
      json6902: 'default CNI manifest patch'
    })
  }
  return out
}

/** Positional form of renderDefaultCNIManifest. */
export function prepareCniManifest(manifest: string, podSubnet: string, controlPlaneEndpoint: string): string {
  return renderDefaultCNIManifest(manifest, { podSubnet, controlPlaneEndpoint })
}
