#!/usr/bin/env bash
# Proves the node image with the upstream kind CLI: creates a cluster, checks that every node is
# Ready, that kube-proxy, kindnet, CoreDNS and local-path-provisioner run, that cluster DNS answers
# from a pod and that a PVC on the default StorageClass binds; then deletes the cluster.
# Usage: smoke-test.sh [single|ha] [cluster-name]   (ha = 3 control planes + 1 worker behind the LB)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
source "$here/versions.env"
shape=${1:-single}
name=${2:-kind-action-smoke}
image="kindest/node:$KUBE_VERSION"
kind=$("$here/build-kind-cli.sh" 2>/dev/null | tail -1)
kubectl="$KIND_ACTION_CACHE/kubernetes/$KUBE_VERSION/bin/kubectl"
# A busybox image every node already holds (the local-path helper), so test pods need no registry.
busybox=docker.io/kindest/local-path-helper:v20241212-8ac705d0
work=$(mktemp -d)
export KUBECONFIG="$work/kubeconfig"

log() { echo "smoke-test: $*" >&2; }
cleanup() {
  local rc=$?
  if ((rc)); then
    log "FAILED; logs exported to $work/logs"
    "$kind" export logs "$work/logs" --name "$name" >/dev/null 2>&1 || true
  fi
  "$kind" delete cluster --name "$name" >/dev/null 2>&1 || true
  ((rc)) || rm -rf "$work"
  exit $rc
}
trap cleanup EXIT

case $shape in
  single) printf 'kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\n' > "$work/config.yaml" ;;
  ha) printf 'kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnodes:\n%s\n' \
        "$(printf -- '- role: %s\n' control-plane control-plane control-plane worker)" > "$work/config.yaml" ;;
  *) log "unknown shape $shape (single|ha)"; exit 2 ;;
esac

start=$SECONDS
"$kind" create cluster --name "$name" --image "$image" --config "$work/config.yaml" --wait 3m
log "cluster created in $((SECONDS - start)) s"

k() { "$kubectl" "$@"; }
k wait --for=condition=Ready nodes --all --timeout=120s
k get nodes -o wide
k -n kube-system rollout status daemonset/kube-proxy --timeout=180s
k -n kube-system rollout status daemonset/kindnet --timeout=180s
k -n kube-system rollout status deployment/coredns --timeout=180s
k -n local-path-storage rollout status deployment/local-path-provisioner --timeout=180s

# Cluster DNS from a pod (CoreDNS behind the kube-dns Service, through kube-proxy and kindnet). Retried:
# kube-proxy may not yet have the Service's endpoints right after the rollout.
k run dns-check --image "$busybox" --image-pull-policy=IfNotPresent --restart=Never --command -- \
  sh -c 'for i in $(seq 30); do nslookup kubernetes.default.svc.cluster.local && exit 0; sleep 2; done; exit 1'
k wait --for=jsonpath='{.status.phase}'=Succeeded pod/dns-check --timeout=120s
k logs dns-check

# A volume from the default StorageClass, bound once a pod uses it (WaitForFirstConsumer).
k apply -f - <<EOF
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: smoke}
spec:
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 1Mi}}
---
apiVersion: v1
kind: Pod
metadata: {name: pvc-user}
spec:
  restartPolicy: Never
  containers:
  - name: c
    image: $busybox
    imagePullPolicy: IfNotPresent
    command: [sh, -c, 'echo ok > /data/file && cat /data/file']
    volumeMounts: [{name: d, mountPath: /data}]
  volumes: [{name: d, persistentVolumeClaim: {claimName: smoke}}]
EOF
k wait --for=jsonpath='{.status.phase}'=Bound pvc/smoke --timeout=120s
k wait --for=jsonpath='{.status.phase}'=Succeeded pod/pvc-user --timeout=120s

k get pods -A -o wide
for n in $("$kind" get nodes --name "$name"); do
  [[ $n == *external-load-balancer ]] && continue
  log "$n: containerd snapshotter $(docker exec "$n" crictl info | jq -r .config.containerd.snapshotter)"
done
not_running=$(k get pods -A --no-headers | awk '$4 != "Running" && $4 != "Completed"')
if [[ -n $not_running ]]; then log "pods not running:"; echo "$not_running"; exit 1; fi
log "$shape cluster OK in $((SECONDS - start)) s"
