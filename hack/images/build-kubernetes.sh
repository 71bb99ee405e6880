#!/usr/bin/env bash
# Builds kubeadm, kubelet, kubectl and the four control-plane binaries for KUBE_VERSION from the
# Go module proxy (a scratch module that maps every staging module to its published version).
# Cached: a second run with the same version returns at once.
# Usage: build-kubernetes.sh [--fetch] [version]  (--fetch: only download the modules, compile nothing)
#        build-kubernetes.sh --source DIR [--describe]  (a kubernetes/kubernetes checkout, built in place, as
#        `kind build node-image --type source`; --describe prints version=, commit= and tree= and builds nothing)
# A source build's binaries go where a release's do, under its version (git describe, made semver as
# Kubernetes' hack/lib/version.sh makes it: v1.38.0-alpha.0.12+0123456789abcd, -dirty when modified),
# with a .source file naming the commit; a dirty tree is rebuilt every time.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/versions.env"
die() { echo "build-kubernetes: $*" >&2; exit 1; }
fetch_only=false source_dir='' describe_only=false
if [[ ${1:-} == --fetch ]]; then fetch_only=true; shift; fi
if [[ ${1:-} == --source ]]; then
  [[ -n ${2:-} ]] || die "--source needs a directory"
  source_dir=$(cd "$2" 2>/dev/null && pwd) || die "kubernetes_source: $2 is not a directory"
  shift 2
  if [[ ${1:-} == --describe ]]; then describe_only=true; shift; fi
fi

# The checkout's version, commit and tree state, from git as Kubernetes' own build takes them.
describe_source() {
  grep -qE '^module k8s.io/kubernetes$' "$source_dir/go.mod" 2>/dev/null && [[ -d $source_dir/cmd/kubeadm ]] ||
    die "kubernetes_source: $source_dir is not a Kubernetes checkout (no go.mod of module k8s.io/kubernetes with cmd/kubeadm)"
  git -C "$source_dir" rev-parse --git-dir >/dev/null 2>&1 ||
    die "kubernetes_source: $source_dir is not a git checkout: its version comes from its tags (git describe)"
  src_commit=$(git -C "$source_dir" rev-parse HEAD 2>/dev/null) || die "kubernetes_source: $source_dir has no commit"
  local described
  described=$(git -C "$source_dir" describe --tags --match 'v[0-9]*' --abbrev=14 HEAD 2>/dev/null) ||
    die "kubernetes_source: $source_dir has no v* tag behind HEAD (git describe --tags found none); fetch the tags (fetch-depth: 0)"
  case $(tr -cd - <<< "$described") in
    ---) described=$(sed -E 's/-([0-9]+)-g([0-9a-f]{14})$/.\1+\2/' <<< "$described") ;;
    --) described=$(sed -E 's/-g([0-9a-f]{14})$/+\1/' <<< "$described") ;;
  esac
  src_tree=clean
  if [[ -n $(git -C "$source_dir" status --porcelain --untracked-files=no 2>/dev/null) ]]; then src_tree=dirty; described+=-dirty; fi
  [[ $described =~ ^v1\.[0-9]+\.[0-9]+ ]] || die "kubernetes_source: $source_dir is at $described, not a Kubernetes v1.x version"
  ver=$described
}

if [[ -n $source_dir ]]; then
  describe_source
  if $describe_only; then printf 'version=%s\ncommit=%s\ntree=%s\n' "$ver" "$src_commit" "$src_tree"; exit 0; fi
else
  ver=${1:-$KUBE_VERSION}
  [[ $ver =~ ^v1\.[0-9]+\.[0-9]+$ ]] || die "$ver is not a Kubernetes release version (v1.MINOR.PATCH)"
fi
out="$KIND_ACTION_CACHE/kubernetes/$ver"
mkdir -p "$KIND_ACTION_CACHE/kubernetes"
# One build per version at a time: a concurrent caller waits, then finds the result cached.
exec 8>"$KIND_ACTION_CACHE/kubernetes/.lock-$ver"
flock 8
cmds="kubeadm kubelet kubectl kube-apiserver kube-controller-manager kube-scheduler kube-proxy"
ldflags_for() { # ldflags_for <version> <minor> <commit>: the version the binaries report
  local flags="-s -w" key
  for key in "gitVersion=$1" "gitMajor=1" "gitMinor=$2" "gitTreeState=${src_tree:-clean}" \
             "gitCommit=${3:-unknown}" "buildDate=$(date -u +%Y-%m-%dT00:00:00Z)"; do
    flags+=" -X 'k8s.io/component-base/version.$key' -X 'k8s.io/client-go/pkg/version.$key'"
  done
  printf '%s' "$flags"
}
build_tags=selinux,notest,grpcnotrace
if [[ -n $source_dir ]]; then
  marker="$src_commit $src_tree"
  if [[ -f $out/.done && $src_tree == clean && $(cat "$out/.source" 2>/dev/null) == "$marker" ]]; then
    echo "kubernetes $ver: cached in $out (source $source_dir at $src_commit)"; exit 0
  fi
  rm -rf "$out"; mkdir -p "$out/bin"
  minor=${ver#v1.}; minor=${minor%%[!0-9]*}
  echo "kubernetes $ver: building from $source_dir ($src_commit, $src_tree)"
  (cd "$source_dir" && CGO_ENABLED=0 go build -trimpath -tags "$build_tags" -ldflags "$(ldflags_for "$ver" "$minor" "$src_commit")" \
    -o "$out/bin/" $(for c in $cmds; do printf './cmd/%s ' "$c"; done))
  "$out/bin/kubeadm" version -o short
  printf '%s' "$marker" > "$out/.source"
  touch "$out/.done"
  echo "kubernetes $ver: built into $out"
  exit 0
fi
# A release is built from the module proxy; a directory left by a source build of the same version is not it.
[[ -f $out/.source ]] && rm -rf "$out"
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
CGO_ENABLED=0 go build -trimpath -tags "$build_tags" -ldflags "$(ldflags_for "$ver" "$minor" "${commit:-unknown}")" -o "$out/bin/" $pkgs
"$out/bin/kubeadm" version -o short
touch "$out/.done"
echo "kubernetes $ver: built into $out"
