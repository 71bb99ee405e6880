// Which node image to run: an explicit node_image, else the image of the kind release we follow for
// kubernetes_version, else that release's default. Images are pinned by digest, as kind's release notes
// publish them, so a matrix over versions is reproducible.

/** The kind release whose images and behaviour this action follows. */
export const KIND_RELEASE = 'v0.32.0'

/**
 * Node images by Kubernetes version: kind v0.32.0's release list ("Images pre-built for this release"),
 * plus the two older minors of kind v0.31.0's list, which v0.32 no longer builds but still runs.
 */
export const NODE_IMAGES: Record<string, string> = {
  '1.36.1': 'kindest/node:v1.36.1@sha256:3489c7674813ba5d8b1a9977baea8a6e553784dab7b84759d1014dbd78f7ebd5',
  '1.35.5': 'kindest/node:v1.35.5@sha256:ce977ae6d65918d0b58a5f8b5e940429c2ce42fa3a5619ec2bbc60b949c0ac95',
  '1.34.8': 'kindest/node:v1.34.8@sha256:02722c2dedddcfc00febf5d27fbeb9b7b2c14294c82109ff4a85d89ac9ba3256',
  '1.33.12': 'kindest/node:v1.33.12@sha256:3f5c8443c620245e4d355cfe09e96a91ead32ceaa569d3f1ca9edf0cb2fe2ff4',
  // kind v0.31.0
  '1.32.11': 'kindest/node:v1.32.11@sha256:5fc52d52a7b9574015299724bd68f183702956aa4a2116ae75a63cb574b35af8',
  '1.31.14': 'kindest/node:v1.31.14@sha256:6f86cf509dbb42767b6e79debc3f2c32e4ee01386f0489b3b2be24b0a55aac2b'
}

export const DEFAULT_KUBERNETES_VERSION = '1.36.1'

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
