// Which node image to run: an explicit node_image, else the image of the kind release we follow for
// kubernetes_version, else that release's default. Images are pinned by digest, as kind's release notes
// publish them, so a matrix over versions is reproducible.

/** The kind release whose images and behaviour this action follows. */
export const KIND_RELEASE = 'v0.33.0'

/**
 * Node images by Kubernetes version: kind v0.33.0's release list ("Images pre-built for this release"),
 * then the older minors that earlier releases published and v0.33 still runs, from their release notes.
 */
export const NODE_IMAGES: Record<string, string> = {
  '1.37.0': 'kindest/node:v1.37.0@sha256:a1ed56cfb0e7b93589bdf97c8cd566405a265939e3620fc4f5de89adff580ae5',
  '1.36.4': 'kindest/node:v1.36.4@sha256:099e049362a1526b2db71494e1947aae99bd16290d7c895f2b7ea312e3cbfaed',
  '1.35.8': 'kindest/node:v1.35.8@sha256:07b2536e30b803ed61d1677a79df6115f798ce64c80f9e22f6ed45afd09323c0',
  '1.34.11': 'kindest/node:v1.34.11@sha256:44e222ee2132dab25ff87301682f89eb82c7880ea3a1bf543bfe9708fd08d67d',
  // kind v0.32.0
  '1.33.12': 'kindest/node:v1.33.12@sha256:3f5c8443c620245e4d355cfe09e96a91ead32ceaa569d3f1ca9edf0cb2fe2ff4',
  // kind v0.31.0
  '1.32.11': 'kindest/node:v1.32.11@sha256:5fc52d52a7b9574015299724bd68f183702956aa4a2116ae75a63cb574b35af8',
  '1.31.14': 'kindest/node:v1.31.14@sha256:6f86cf509dbb42767b6e79debc3f2c32e4ee01386f0489b3b2be24b0a55aac2b'
}

export const DEFAULT_KUBERNETES_VERSION = '1.37.0'

/**
 * The load balancer in front of two or more control planes. kind v0.32 moved to Envoy; we keep the HAProxy
 * image of kind v0.31.0, which kind's CLI treats the same way (it only looks at the role label and port).
 */
export const LOAD_BALANCER_IMAGE = 'docker.io/kindest/haproxy:v20251211-v0.29.0-alpha-100-g82a92c5d'

function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number)
  const pb = b.split('.').map(Number)
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return pa[i] - pb[i]
  return 0
}

export function supportedVersions(): string[] {
  return Object.keys(NODE_IMAGES).sort(compareVersions).reverse()
}

/** "1.34" → newest 1.34.x in the table; "1.34.2" → exactly that; unknown → error listing what exists. */
export function resolveNodeImage(kubernetesVersion: string): string {
  const wanted = kubernetesVersion.replace(/^v/, '')
  const candidates = supportedVersions().filter(v => v === wanted || v.startsWith(`${wanted}.`))
  if (candidates.length === 0) {
    throw new Error(
      `kubernetes_version: ${kubernetesVersion} has no kind ${KIND_RELEASE} node image; supported: ${supportedVersions().join(', ')}` +
        ' (or set node_image to any kindest/node image)'
    )
  }
  return NODE_IMAGES[candidates[0]]
}

export function defaultNodeImage(): string {
  return NODE_IMAGES[DEFAULT_KUBERNETES_VERSION]
}
