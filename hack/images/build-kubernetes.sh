#!/usr/bin/env bash
# Builds kubeadm, kubelet, kubectl and the four control-plane binaries for KUBE_VERSION from the
# Go module proxy (a scratch module that maps every staging module to its published version).
# Cached: a second run with the same version returns at once.
# Usage: build-kubernetes.sh [--fetch] [version]  (--fetch: only download the modules, compile nothing)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/versions.env"
fetch_only=false
if [[ ${1:-} == --fetch ]]; then fetch_only=true; shift; fi
ver=${1:-$KUBE_VERSION}
die() { echo "build-kubernetes: $*" >&2; exit 1; }
[[ $ver =~ ^v1\.[0-9]+\.[0-9]+$ ]] || die "$ver is not a Kubernetes release version (v1.MINOR.PATCH)"
out="$KIND_ACTION_CACHE/kubernetes/$ver"
mkdir -p "$KIND_ACTION_CACHE/kubernetes"
# One build per version at a time: a concurrent caller waits, then finds the result cached.
exec 8>"$KIND_ACTION_CACHE/kubernetes/.lock-$ver"
flock 8
if [[ -f "$out/.done" ]]; then echo "kubernetes $ver: cached in $out"; exit 0; fi
minor=${ver#v1.}; minor=${minor%%.*}; patch=${ver##*.}
staging_ver="v0.$minor.$patch"
work="$KIND_ACTION_CACHE/kubernetes/$ver.mod"
# The one request that tells a missing release from other failures, before anything is written.
origin=$(cd / && go mod download -json "k8s.io/kubernetes@$ver") || {
  error=$(sed -n 's/.*"Error": "\(.*\)".*/\1/p' <<< "$origin" | sed 's/\\n\\t/ /g')
  rm -f "$KIND_ACTION_CACHE/kubernetes/.lock-$ver"
  die "no Kubernetes release $ver on the Go module proxy ($(go env GOPROXY)): ${error:-go mod download failed}"
}
mkdir -p "$work" "$out/bin"
cd "$work"
printf '%s\n' "$origin" > origin.json
modfile=$(sed -n 's/.*"GoMod": "\(.*\)".*/\1/p' origin.json)
commit=$(sed -n 's/.*"Hash": "\(.*\)".*/\1/p' origin.json | head -1)
{
  echo "module kind-action.local/kubernetes-build"
  echo
  echo "go 1.24.0"
  echo
  echo "godebug default=go1.24"
  echo
  echo "require k8s.io/kubernetes $ver"
  echo
  grep -E '^\s*k8s.io/[a-z0-9-]+ v0\.0\.0\s*$' "$modfile" | awk '{print $1}' | sort -u |
    while read -r m; do echo "replace $m => $m $staging_ver"; done
} > go.mod
cmds="kubeadm kubelet kubectl kube-apiserver kube-controller-manager kube-scheduler kube-proxy"
pkgs=$(for c in $cmds; do printf 'k8s.io/kubernetes/cmd/%s ' "$c"; done)
cat > tools.go <<GO
//go:build tools
package tools
import (
$(for c in $cmds; do echo "	_ \"k8s.io/kubernetes/cmd/$c\""; done)
)
GO
go mod tidy
if $fetch_only; then echo "kubernetes $ver: modules fetched"; exit 0; fi
ldflags="-s -w"
for key in "gitVersion=$ver" "gitMajor=1" "gitMinor=$minor" "gitTreeState=clean" \
           "gitCommit=${commit:-unknown}" "buildDate=$(date -u +%Y-%m-%dT00:00:00Z)"; do
  ldflags+=" -X 'k8s.io/component-base/version.$key' -X 'k8s.io/client-go/pkg/version.$key'"
done
CGO_ENABLED=0 go build -trimpath -tags selinux,notest,grpcnotrace -ldflags "$ldflags" -o "$out/bin/" $pkgs
"$out/bin/kubeadm" version -o short
touch "$out/.done"
echo "kubernetes $ver: built into $out"
