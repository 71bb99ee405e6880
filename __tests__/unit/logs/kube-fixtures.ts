// kubectl -o json answers for the cluster-view tests: events of both APIs, pods in various states, a node.
export const EVENTS = JSON.stringify({
  items: [
    {
      metadata: { namespace: 'kube-system', creationTimestamp: '2026-01-01T10:00:05Z' },
      involvedObject: { kind: 'Pod', name: 'coredns-1', namespace: 'kube-system' },
      type: 'Warning',
      reason: 'FailedScheduling',
      message: '0/1 nodes are available: 1 node(s) had untolerated taint.',
      count: 3,
      lastTimestamp: '2026-01-01T10:00:30Z'
    },
    {
      // events.k8s.io events have no lastTimestamp, only eventTime
      metadata: { namespace: 'kube-system', creationTimestamp: '2026-01-01T10:00:01Z' },
      regarding: { kind: 'Pod', name: 'coredns-1', namespace: 'kube-system' },
      type: 'Normal',
      reason: 'Scheduled',
      note: 'Successfully assigned',
      lastTimestamp: null,
      eventTime: '2026-01-01T10:00:02.000000Z'
    },
    {
      metadata: { namespace: 'default', creationTimestamp: '2026-01-01T09:59:00Z' },
      involvedObject: { kind: 'Node', name: 'kind-control-plane' },
      type: 'Normal',
      reason: 'Starting',
      message: 'Starting kubelet.'
    },
    {
      metadata: { namespace: 'kube-system', creationTimestamp: '2026-01-01T10:01:00Z' },
      involvedObject: { kind: 'Pod', name: 'crashy', namespace: 'kube-system' },
      type: 'Warning',
      reason: 'BackOff',
      message: 'Back-off restarting failed container',
      series: { lastObservedTime: '2026-01-01T10:02:00Z', count: 7 }
    }
  ]
})

export const PODS = JSON.stringify({
  items: [
    {
      metadata: { namespace: 'kube-system', name: 'coredns-1' },
      spec: {},
      status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable' }] }
    },
    {
      metadata: { namespace: 'kube-system', name: 'crashy' },
      spec: { nodeName: 'kind-control-plane' },
      status: {
        phase: 'Running',
        conditions: [{ type: 'Ready', status: 'False', reason: 'ContainersNotReady' }],
        containerStatuses: [{ ready: false, state: { waiting: { reason: 'CrashLoopBackOff' } } }]
      }
    },
    {
      metadata: { namespace: 'kube-system', name: 'etcd' },
      spec: { nodeName: 'kind-control-plane' },
      status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] }
    },
    { metadata: { namespace: 'default', name: 'job-done' }, spec: {}, status: { phase: 'Succeeded', conditions: [{ type: 'Ready', status: 'False' }] } },
    {
      metadata: { namespace: 'default', name: 'oom' },
      spec: { nodeName: 'kind-worker' },
      status: {
        phase: 'Running',
        conditions: [{ type: 'Ready', status: 'False' }],
        containerStatuses: [{ state: { terminated: { reason: 'OOMKilled', exitCode: 137 } } }]
      }
    }
  ]
})

export const NODES = JSON.stringify({
  items: [
    {
      metadata: { name: 'kind-control-plane' },
      status: {
        conditions: [
          { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory', lastTransitionTime: '2026-01-01T09:59:00Z', message: 'ok' },
          { type: 'Ready', status: 'False', reason: 'KubeletNotReady', lastTransitionTime: '2026-01-01T09:59:10Z', message: 'container runtime network not ready:\nNetworkReady=false' }
        ]
      }
    }
  ]
})
