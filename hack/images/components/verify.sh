#!/usr/bin/env bash
# Smoke-tests the images build-components.sh made: each binary runs and reports the expected version,
# kube-proxy's iptables wrapper picks a back end, the LB takes a new config and reloads like kind
# drives it, and the local-path helper can run its scripts. Usage: components/verify.sh
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
source "$here/versions.env"
read -ra lb <<< "$HAPROXY_IMAGES"
read -ra pause_tags <<< "$PAUSE_TAGS"
fails=0

# check <description> <expected regex> <docker run args...>
check() {
  local what=$1 want=$2 out; shift 2
  if out=$(docker run --rm "$@" 2>&1) && grep -Eq "$want" <<< "$out"; then
    echo "ok    $what: $(grep -Em1 "$want" <<< "$out")"
  else
    echo "FAIL  $what: wanted /$want/, got:"; sed 's/^/      /' <<< "$out" | tail -5; fails=$((fails + 1))
  fi
}

for c in kube-apiserver kube-controller-manager kube-scheduler kube-proxy; do
  check "$c" "^Kubernetes $KUBE_VERSION\$" "registry.k8s.io/$c:$KUBE_VERSION" --version
done
check "kube-apiserver by bare name (PATH)" "^Kubernetes $KUBE_VERSION\$" \
  --entrypoint kube-apiserver "registry.k8s.io/kube-apiserver:$KUBE_VERSION" --version
check "kube-proxy tools" "^ok$" --entrypoint /bin/sh "registry.k8s.io/kube-proxy:$KUBE_VERSION" -c \
  'nft --version && ipset version && modprobe --version && iptables-legacy --version && iptables-nft --version && echo ok'
check "iptables wrapper picks a back end" "^(/usr/sbin/ip(6)?tables-(nft|legacy) ?)+$" --cap-add NET_ADMIN \
  --entrypoint /bin/sh "registry.k8s.io/kube-proxy:$KUBE_VERSION" -c \
  'iptables -t nat -S >/dev/null && ip6tables-save >/dev/null && echo $(readlink -f /etc/alternatives/iptables /etc/alternatives/ip6tables)'
check "etcd" "^etcd Version: ${ETCD_VERSION#v}\$" "registry.k8s.io/etcd:$ETCD_TAG" --version
check "etcdctl" "^etcdctl version: ${ETCD_VERSION#v}\$" --entrypoint etcdctl "registry.k8s.io/etcd:$ETCD_TAG" version
check "coredns" "^CoreDNS-${COREDNS_VERSION#v}\$" "registry.k8s.io/coredns/coredns:$COREDNS_VERSION" -version
check "coredns kubeadm plugins" "kubernetes" "registry.k8s.io/coredns/coredns:$COREDNS_VERSION" -plugins
for t in "${pause_tags[@]}"; do
  check "pause:$t" "^pause\.c v" "registry.k8s.io/pause:$t" -v
done
[[ $(docker image inspect -f '{{.Config.User}}' "registry.k8s.io/pause:${pause_tags[0]}") == 65535:65535 ]] ||
  { echo "FAIL  pause: image user is not 65535:65535"; fails=$((fails + 1)); }
check "local-path-provisioner" "$LOCAL_PATH_VERSION" --entrypoint local-path-provisioner \
  "$LOCAL_PATH_PROVISIONER_IMAGE" --version
check "local-path-helper" "^ok$" "$LOCAL_PATH_HELPER_IMAGE" /bin/sh -c \
  'mkdir -m 0777 -p /tmp/v/a && rm -rf /tmp/v && echo ok'
check "kindnetd without POD_SUBNET" "POD_SUBNET: not set" "$KINDNETD_IMAGE"
check "kindnetd outside a cluster" "in-cluster configuration" -e POD_SUBNET=10.244.0.0/16 "$KINDNETD_IMAGE"
[[ $(docker image inspect -f '{{json .Config.Cmd}}' "$KINDNETD_IMAGE") == '["/bin/kindnetd"]' ]] ||
  { echo "FAIL  kindnetd: CMD is not [/bin/kindnetd]"; fails=$((fails + 1)); }
for r in "${lb[@]}"; do
  check "haproxy $r" "^HAProxy version 2\.6" --entrypoint haproxy "$r" -v
done

# The LB as kind drives it: start with the placeholder, write a config through docker exec, reload
# with SIGHUP, then stop with the image's STOPSIGNAL.
name=kind-action-verify-lb
docker rm -f "$name" >/dev/null 2>&1 || true
docker run -d --name "$name" "${lb[0]}" >/dev/null
sleep 1
cfg='global
  log /dev/log local0
  maxconn 100000
defaults
  mode tcp
  timeout connect 5000
  timeout client 50000
  timeout server 50000
  default-server init-addr none
resolvers docker
  parse-resolv-conf
frontend control-plane
  bind *:6443
  default_backend kube-apiservers
backend kube-apiservers
  option httpchk GET /healthz
  server kind-control-plane kind-control-plane:6443 check check-ssl verify none resolvers docker resolve-prefer ipv4'
if docker exec "$name" mkdir -p /usr/local/etc/haproxy &&
   docker exec -i "$name" cp /dev/stdin /usr/local/etc/haproxy/haproxy.cfg <<< "$cfg" &&
   docker exec "$name" kill -s HUP 1 && sleep 2 &&
   [[ $(docker inspect -f '{{.State.Running}}' "$name") == true ]] &&
   docker logs "$name" 2>&1 | grep -q 'Reexecuting Master process'; then
  echo "ok    haproxy reload via docker exec + kill -s HUP 1"
else
  echo "FAIL  haproxy reload"; docker logs "$name" 2>&1 | tail -5 | sed 's/^/      /'; fails=$((fails + 1))
fi
start=$SECONDS
docker stop -t 10 "$name" >/dev/null
if ((SECONDS - start < 5)); then echo "ok    haproxy stops on its STOPSIGNAL ($(docker inspect -f '{{.Config.StopSignal}}' "$name"))"
else echo "FAIL  haproxy did not stop on its STOPSIGNAL"; fails=$((fails + 1)); fi
docker rm -f "$name" >/dev/null

if ((fails)); then echo "$fails check(s) failed"; exit 1; fi
echo "all component images OK"
