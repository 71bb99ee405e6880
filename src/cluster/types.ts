// Facts about a cluster that creation produces and the step state, the job summary and the logs read:
// kept below the orchestrator so that none of them imports creation.
import type { KubeconfigDoc } from './kubeconfig.js'
import type { ImageResolution } from './images.js'

export interface NodeSummary {
  name: string
  role: string
  ipv4: string
  ipv6: string
}

export interface ControlPlaneFacts {
  bootstrapNode: string
  kubernetesVersion: string
  kubeconfig: KubeconfigDoc
  /** https://<host>:<port> as kubectl on the host reaches it. */
  apiServer: string
}

export interface CreatedCluster {
  name: string
  nodes: NodeSummary[]
  /** https://<host>:<port> as kubectl on the host reaches it. */
  apiServer: string
  kubernetesVersion: string
  kubeconfig: KubeconfigDoc
  bootstrapNode: string
  images: ImageResolution[]
}
