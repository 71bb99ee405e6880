// The default node image of every kind release since v0.20, for helm/kind-action's `version` input: a
// workflow that pins a kind release gets that release's cluster without naming an image. Each image is
// pinned by digest as the release notes publish it ("the default node image is ..."), which is also the
// `Image` constant of pkg/apis/config/defaults/image.go at the release's tag in kubernetes-sigs/kind.
import { DEFAULT_KUBERNETES_VERSION, KIND_RELEASE, NODE_IMAGES } from './node-images.js'

export interface KindRelease {
  /** The release tag, e.g. v0.29.0. */
  kind: string
  /** Kubernetes version of the release's default node image. */
  kubernetesVersion: string
  /** kindest/node:v<kubernetesVersion>@sha256:... */
  image: string
}

/** Oldest first. The release this action follows takes its image from the table of node-images.ts. */
export const KIND_RELEASES: readonly KindRelease[] = [
  { kind: 'v0.20.0', kubernetesVersion: '1.27.3', image: 'kindest/node:v1.27.3@sha256:3966ac761ae0136263ffdb6cfd4db23ef8a83cba8a463690e98317add2c9ba72' },
  { kind: 'v0.21.0', kubernetesVersion: '1.29.1', image: 'kindest/node:v1.29.1@sha256:a0cc28af37cf39b019e2b448c54d1a3f789de32536cb5a5db61a49623e527144' },
  { kind: 'v0.22.0', kubernetesVersion: '1.29.2', image: 'kindest/node:v1.29.2@sha256:51a1434a5397193442f0be2a297b488b6c919ce8a3931be0ce822606ea5ca245' },
  { kind: 'v0.23.0', kubernetesVersion: '1.30.0', image: 'kindest/node:v1.30.0@sha256:047357ac0cfea04663786a612ba1eaba9702bef25227a794b52890dd8bcd692e' },
  { kind: 'v0.24.0', kubernetesVersion: '1.31.0', image: 'kindest/node:v1.31.0@sha256:53df588e04085fd41ae12de0c3fe4c72f7013bba32a20e7325357a1ac94ba865' },
  { kind: 'v0.25.0', kubernetesVersion: '1.31.2', image: 'kindest/node:v1.31.2@sha256:18fbefc20a7113353c7b75b5c869d7145a6abd6269154825872dc59c1329912e' },
  { kind: 'v0.26.0', kubernetesVersion: '1.32.0', image: 'kindest/node:v1.32.0@sha256:c48c62eac5da28cdadcf560d1d8616cfa6783b58f0d94cf63ad1bf49600cb027' },
  { kind: 'v0.27.0', kubernetesVersion: '1.32.2', image: 'kindest/node:v1.32.2@sha256:f226345927d7e348497136874b6d207e0b32cc52154ad8323129352923a3142f' },
  { kind: 'v0.28.0', kubernetesVersion: '1.33.1', image: 'kindest/node:v1.33.1@sha256:8d866994839cd096b3590681c55a6fa4a071fdaf33be7b9660e5697d2ed13002' },
  // The same Kubernetes version as v0.28.0, rebuilt on the new release's base image: another digest.
  { kind: 'v0.29.0', kubernetesVersion: '1.33.1', image: 'kindest/node:v1.33.1@sha256:050072256b9a903bd914c0b2866828150cb229cea0efe5892e2b644d5dd3b34f' },
  { kind: 'v0.30.0', kubernetesVersion: '1.34.0', image: 'kindest/node:v1.34.0@sha256:7416a61b42b1662ca6ca89f02028ac133a309a2a30ba309614e8ec94d976dc5a' },
  { kind: 'v0.31.0', kubernetesVersion: '1.35.0', image: 'kindest/node:v1.35.0@sha256:452d707d4862f52530247495d180205e029056831160e22870e37e3f6c1ac31f' },
  { kind: 'v0.32.0', kubernetesVersion: '1.36.1', image: 'kindest/node:v1.36.1@sha256:3489c7674813ba5d8b1a9977baea8a6e553784dab7b84759d1014dbd78f7ebd5' },
  { kind: KIND_RELEASE, kubernetesVersion: DEFAULT_KUBERNETES_VERSION, image: NODE_IMAGES[DEFAULT_KUBERNETES_VERSION] }
]

/** How a release is written in workflows: v0.29.0 or 0.29.0 (helm downloads the tag, so it is exact). */
const RELEASE_TAG = /^v?(\d+)\.(\d+)\.(\d+)$/

export function knownKindReleases(): string[] {
  return KIND_RELEASES.map(r => r.kind)
}

/** The release in canonical form (v0.29.0), or undefined when the text is not a release tag at all. */
export function normalizeKindRelease(text: string): string | undefined {
  const match = RELEASE_TAG.exec(text.trim())
  return match ? `v${Number(match[1])}.${Number(match[2])}.${Number(match[3])}` : undefined
}

/** The table's entry for a release (v0.29.0 or 0.29.0); undefined when the table does not know it. */
export function findKindRelease(text: string): KindRelease | undefined {
  const tag = normalizeKindRelease(text)
  return KIND_RELEASES.find(r => r.kind === tag)
}
