#!/usr/bin/env bash
# Builds, offline and cached, the images a kind-compatible node preloads, the load-balancer image, and
# crictl, for one Kubernetes line (KUBE_VERSION). Every image is tagged exactly as kubeadm $KUBE_VERSION and
# kind reference it:
#   registry.k8s.io/kube-{apiserver,controller-manager,scheduler,proxy}:$KUBE_VERSION
#   registry.k8s.io/etcd:$ETCD_TAG   registry.k8s.io/coredns/coredns:$COREDNS_VERSION
#   registry.k8s.io/pause:<each of $PAUSE_TAGS>   $KINDNETD_IMAGE (our own CNI daemon, components/kindnetd)
#   $LOCAL_PATH_PROVISIONER_IMAGE   $LOCAL_PATH_HELPER_IMAGE   $HAPROXY_IMAGES (LB; not in the archive)
#   $KIND_CLI_LB_IMAGE (a stand-in for the kind CLI's Envoy LB, over the same HAProxy; not in the archive)
#
# Outputs other scripts use (all under $KIND_ACTION_CACHE, see versions.env):
#   crictl/$CRICTL_VERSION/crictl          crictl for the node's /usr/local/bin
#   components/$KUBE_VERSION/images-<key>.tar   one `docker save` of every node image above (not the LB)
#   components/$KUBE_VERSION/images-<key>.list  the image references in that archive, one a line
#   components/$KUBE_VERSION/current.env        COMPONENTS_ARCHIVE=, COMPONENTS_LIST=, CRICTL_BIN= of the last build
#
# Usage: build-components.sh            build what is missing or changed, print the archive path
#        build-components.sh crictl     only build crictl, print its path
#        build-components.sh --print-archive   print the last built archive's path (builds nothing)
#
# Caching: binaries are kept per version (or per source hash for our own sources); each image carries a
# label with the hash of its inputs and of this script, and is rebuilt only when that hash changes.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/versions.env"
comp="$KIND_ACTION_CACHE/components"
src="$here/components"
key_label=io.kind-action.component-key
PATH_ENV=PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

log() { echo "build-components: $*" >&2; }
die() { log "$*"; exit 1; }
sha() { sha256sum | cut -c1-16; }
# Hash of a source tree (relative names and contents), so moving the checkout keeps the key.
tree_hash() { (cd "$1" && find . -type f -print0 | sort -z | xargs -0 sha256sum) | sha; }
timed() { # timed <what> <command...>: run, and log how long it took
  local what=$1 start=$SECONDS; shift
  "$@"
  log "$what: $((SECONDS - start)) s"
}

line_dir="$comp/$KUBE_VERSION"
# Image tags cannot hold "+": kubeadm tags a source build's v1.38.0-alpha.0.12+abc images v1.38.0-alpha.0.12_abc.
kube_tag=${KUBE_VERSION//+/_}
if [[ ${1:-} == --print-archive ]]; then
  [[ -f $line_dir/current.env ]] || die "nothing built yet for $KUBE_VERSION: run $0"
  # shellcheck source=/dev/null
  source "$line_dir/current.env"
  echo "$COMPONENTS_ARCHIVE"
  exit 0
fi

[[ $(id -u) == 0 ]] || die "must run as root (apt-get, mmdebstrap)"
mkdir -p "$comp/bin" "$comp/work" "$comp/rootfs" "$line_dir"
# One build at a time: a second caller waits, then finds everything cached.
exec 9>"$comp/.lock"
flock 9

ensure_host_tools() {
  local need=()
  command -v mmdebstrap >/dev/null || need+=(mmdebstrap)
  command -v gcc >/dev/null || need+=(gcc)
  [[ -f /usr/lib/x86_64-linux-gnu/libc.a ]] || need+=(libc6-dev) # static glibc for pause
  dpkg-query -W -f='${Status}' busybox-static 2>/dev/null | grep -q 'ok installed' || need+=(busybox-static)
  if ((${#need[@]})); then
    log "installing ${need[*]}"
    apt-get update -qq # a fresh machine may have no package lists yet
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  fi
  command -v go >/dev/null || die "Go is required (for the component binaries)"
  "$here/../docker-up.sh"
}

# What this line's kubeadm pulls (etcd, CoreDNS, pause), so each line's node holds what its kubeadm
# expects; crictl follows the Kubernetes minor, as in kind's node images.
kube_line_versions() {
  local images minor
  images=$("$KIND_ACTION_CACHE/kubernetes/$KUBE_VERSION/bin/kubeadm" config images list --kubernetes-version "$KUBE_VERSION")
  ETCD_TAG=$(sed -n 's#^registry.k8s.io/etcd:##p' <<< "$images")
  ETCD_VERSION=v${ETCD_TAG%-*}
  COREDNS_VERSION=$(sed -n 's#^registry.k8s.io/coredns/coredns:##p' <<< "$images")
  local pause; pause=$(sed -n 's#^registry.k8s.io/pause:##p' <<< "$images")
  [[ -n $ETCD_TAG && -n $COREDNS_VERSION && -n $pause ]] || die "kubeadm $KUBE_VERSION listed unexpected images: $images"
  [[ " $PAUSE_TAGS " == *" $pause "* ]] || PAUSE_TAGS+=" $pause"
  log "$KUBE_VERSION: etcd $ETCD_VERSION ($ETCD_TAG), CoreDNS $COREDNS_VERSION, pause $PAUSE_TAGS"
}
minor=${KUBE_VERSION#v1.}; minor=${minor%%.*}
CRICTL_VERSION=v1.$minor.0

# --- Binaries --------------------------------------------------------------------------------------
# Each is built into <dir>.tmp and renamed when complete, so an interrupted build is never reused.
# Go builds follow the upstream flags (CGO_ENABLED=0, -trimpath, version ldflags) and share the
# default GOMODCACHE/GOCACHE with the other builds.
export CGO_ENABLED=0

fresh_dir() { rm -rf "$1.tmp"; mkdir -p "$1.tmp"; }

# The commit a module version was tagged from, when the proxy reports it (empty otherwise).
origin_commit() { go mod download -json "$1" | sed -n 's/.*"Hash": "\(.*\)".*/\1/p' | head -1; }

build_crictl() {
  crictl_dir="$KIND_ACTION_CACHE/crictl/$CRICTL_VERSION"
  [[ -x $crictl_dir/crictl ]] && return
  fresh_dir "$crictl_dir"
  # cri-tools' Makefile stamps the version without its leading "v".
  GOBIN="$crictl_dir.tmp" go install -trimpath \
    -ldflags "-X sigs.k8s.io/cri-tools/pkg/version.Version=${CRICTL_VERSION#v}" \
    "sigs.k8s.io/cri-tools/cmd/crictl@$CRICTL_VERSION"
  mv "$crictl_dir.tmp" "$crictl_dir"
}

build_pause() {
  pause_dir="$comp/bin/pause-$(tree_hash "$src/pause")"
  [[ -x $pause_dir/pause ]] && return
  fresh_dir "$pause_dir"
  # One binary serves every pause tag (3.10 and 3.10.1 are the same program upstream).
  gcc -Os -Wall -Werror -static -DVERSION="\"v${PAUSE_TAGS##* }-kind-action\"" \
    -o "$pause_dir.tmp/pause" "$src/pause/pause.c"
  strip "$pause_dir.tmp/pause"
  mv "$pause_dir.tmp" "$pause_dir"
}

build_local_path() {
  local_path_dir="$comp/bin/local-path-provisioner-$LOCAL_PATH_VERSION"
  [[ -x $local_path_dir/local-path-provisioner ]] && return
  fresh_dir "$local_path_dir"
  # No replace directives upstream, so `go install pkg@version` builds it with its own go.mod.
  GOBIN="$local_path_dir.tmp" go install -trimpath \
    -ldflags "-X main.VERSION=$LOCAL_PATH_VERSION -extldflags -static -s -w" \
    "github.com/rancher/local-path-provisioner@$LOCAL_PATH_VERSION"
  mv "$local_path_dir.tmp" "$local_path_dir"
}

build_kindnetd() {
  kindnetd_dir="$comp/bin/kindnetd-$(tree_hash "$src/kindnetd")"
  [[ -x $kindnetd_dir/kindnetd ]] && return
  fresh_dir "$kindnetd_dir"
  (cd "$src/kindnetd" && go build -mod=readonly -trimpath -ldflags "-s -w" -o "$kindnetd_dir.tmp/kindnetd" .)
  mv "$kindnetd_dir.tmp" "$kindnetd_dir"
}

# etcd's server module has replace directives (to sibling directories), so it cannot be built with
# `go install pkg@version`; a scratch module that merely requires it resolves the real versions.
build_etcd() {
  etcd_dir="$comp/bin/etcd-$ETCD_VERSION"
  [[ -x $etcd_dir/etcd ]] && return
  fresh_dir "$etcd_dir"
  local w="$comp/work/etcd-$ETCD_VERSION" commit ldflags=""
  mkdir -p "$w"
  commit=$(origin_commit "go.etcd.io/etcd/server/v3@$ETCD_VERSION")
  [[ -n $commit ]] && ldflags="-X=go.etcd.io/etcd/api/v3/version.GitSHA=${commit:0:7}"
  cat > "$w/go.mod" <<EOF
module kind-action.local/etcd-build

go 1.24

require (
	go.etcd.io/etcd/server/v3 $ETCD_VERSION
	go.etcd.io/etcd/etcdctl/v3 $ETCD_VERSION
)
EOF
  printf '//go:build tools\npackage tools\n\nimport (\n\t_ "go.etcd.io/etcd/server/v3"\n\t_ "go.etcd.io/etcd/etcdctl/v3"\n)\n' > "$w/tools.go"
  (cd "$w" && go mod tidy &&
    go build -trimpath -installsuffix=cgo -ldflags "$ldflags" -o "$etcd_dir.tmp/etcd" go.etcd.io/etcd/server/v3 &&
    go build -trimpath -installsuffix=cgo -ldflags "$ldflags" -o "$etcd_dir.tmp/etcdctl" go.etcd.io/etcd/etcdctl/v3)
  mv "$etcd_dir.tmp" "$etcd_dir"
}

# CoreDNS with the reduced plugin set of components/coredns/main.go (see there why), in a scratch
# module whose go line matches upstream's go.mod, so the runtime defaults (GODEBUG) match too.
build_coredns() {
  coredns_dir="$comp/bin/coredns-$COREDNS_VERSION-$(tree_hash "$src/coredns")"
  [[ -x $coredns_dir/coredns ]] && return
  fresh_dir "$coredns_dir"
  local w="$comp/work/coredns-$COREDNS_VERSION" commit go_line
  rm -rf "$w"; mkdir -p "$w"
  commit=$(origin_commit "github.com/coredns/coredns@$COREDNS_VERSION")
  go_line=$(go mod download -json "github.com/coredns/coredns@$COREDNS_VERSION" |
    sed -n 's/.*"GoMod": "\(.*\)".*/\1/p' | xargs grep -m1 '^go ')
  cp "$src/coredns/main.go" "$w/"
  printf 'module kind-action.local/coredns\n\n%s\n\nrequire github.com/coredns/coredns %s\n' \
    "$go_line" "$COREDNS_VERSION" > "$w/go.mod"
  (cd "$w" && go mod tidy &&
    go build -trimpath -ldflags "-s -w -X github.com/coredns/coredns/coremain.GitCommit=${commit:0:7}" \
      -o "$coredns_dir.tmp/coredns" .)
  mv "$coredns_dir.tmp" "$coredns_dir"
}

# --- Debian root for the iptables-based images ----------------------------------------------------
# kube-proxy, kindnetd and the LB share one small bookworm root (mmdebstrap "essential" variant, no
# apt, no docs): iptables with both back ends and our selection wrapper, nft, ipset, kmod, procps
# (kill, for kind's LB reload) and haproxy. Sharing it means one layer in the archive and the node.
rootfs_pkgs=iptables,nftables,ipset,kmod,procps,haproxy
rootfs_mirrors=("deb http://deb.debian.org/debian bookworm main"
  "deb http://deb.debian.org/debian bookworm-updates main"
  "deb http://deb.debian.org/debian-security bookworm-security main")
# The wrapper becomes the preferred alternative for iptables/ip6tables (+ -save, -restore); on first
# use it re-points them at the back end the node uses (components/iptables/iptables-wrapper).
export IPTABLES_WRAPPER="$src/iptables/iptables-wrapper"
# shellcheck disable=SC2016 # expanded by mmdebstrap's hook shell ($1 = the new root)
rootfs_hook='install -m 0755 "$IPTABLES_WRAPPER" "$1/usr/sbin/iptables-wrapper" &&
for v in iptables ip6tables; do
  chroot "$1" update-alternatives --install /usr/sbin/$v $v /usr/sbin/iptables-wrapper 100 \
    --slave /usr/sbin/$v-restore $v-restore /usr/sbin/iptables-wrapper \
    --slave /usr/sbin/$v-save $v-save /usr/sbin/iptables-wrapper
done'
rootfs_key=$( { echo "$rootfs_pkgs ${rootfs_mirrors[*]} $rootfs_hook"; sha256sum < "$src/iptables/iptables-wrapper"; } | sha)
rootfs_tar="$comp/rootfs/debian-iptables-$rootfs_key.tar"

build_rootfs() {
  [[ -f $rootfs_tar ]] && return
  # merged-usr hook: bookworm's usrmerge package would otherwise pull in perl.
  mmdebstrap --variant=essential --include="$rootfs_pkgs" \
    --hook-dir=/usr/share/mmdebstrap/hooks/merged-usr \
    --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright' \
    --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/info/*' \
    --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-exclude=/usr/lib/x86_64-linux-gnu/gconv/*' \
    --customize-hook="$rootfs_hook" \
    bookworm "$rootfs_tar.tmp.tar" "${rootfs_mirrors[@]}"
  mv "$rootfs_tar.tmp.tar" "$rootfs_tar"
  # Older roots are superseded by this one.
  find "$comp/rootfs" -name 'debian-iptables-*.tar' ! -name "$(basename "$rootfs_tar")" -delete
}

# --- Images ---------------------------------------------------------------------------------------
self_hash=$(sha < "$0")
key_of() { { echo "$self_hash"; printf '%s\n' "$@"; } | sha; } # inputs: strings and file hashes
file_sha() { sha256sum < "$1" | cut -c1-64; }
image_key() { docker image inspect -f "{{index .Config.Labels \"$key_label\"}}" "$1" 2>/dev/null || true; }

# stage <name>: an empty image root with a world-writable /tmp (Go programs may want one).
stage() { stage_dir="$comp/work/stage/$1"; rm -rf "$stage_dir"; mkdir -p "$stage_dir/tmp"; chmod 1777 "$stage_dir/tmp"; }

# import_image <key> <ref> [--change values...]: docker import of the staged root, labelled with key.
import_image() {
  local key=$1 ref=$2 args=(); shift 2
  [[ $(image_key "$ref") == "$key" ]] && { log "$ref: up to date"; return; }
  args=(--change "LABEL $key_label=$key")
  for c in "$@"; do args+=(--change "$c"); done
  tar -C "$stage_dir" --numeric-owner --owner=0 --group=0 -c . | docker import "${args[@]}" - "$ref" >/dev/null
  log "$ref: built"
}

# build_image <key> <ref> <dockerfile>: a one-step build on a local base (staged files as context),
# for images that need to share the base layer or need instructions docker import lacks (STOPSIGNAL).
build_image() {
  local key=$1 ref=$2
  [[ $(image_key "$ref") == "$key" ]] && { log "$ref: up to date"; return; }
  printf '%s\n' "$3" > "$stage_dir/Dockerfile"
  local out
  # The legacy builder: no BuildKit needed on the host. Its output is shown only when it fails.
  out=$(DOCKER_BUILDKIT=0 docker build --label "$key_label=$key" -t "$ref" "$stage_dir" 2>&1) ||
    { echo "$out" >&2; die "docker build of $ref failed"; }
  log "$ref: built"
}

# tag_all <ref> <extra refs...>: give the built image its other names.
tag_all() { local ref=$1; shift; for r in "$@"; do docker tag "$ref" "$r"; done; }

kube_images() {
  local kbin="$KIND_ACTION_CACHE/kubernetes/$KUBE_VERSION/bin" c
  for c in kube-apiserver kube-controller-manager kube-scheduler; do
    # Static pods run the bare command name, resolved through PATH (upstream: distroless go-runner).
    stage "$c"
    install -D -m 0755 "$kbin/$c" "$stage_dir/usr/local/bin/$c"
    import_image "$(key_of "$(file_sha "$kbin/$c")")" "registry.k8s.io/$c:$kube_tag" \
      "ENV $PATH_ENV" "ENTRYPOINT [\"/usr/local/bin/$c\"]"
  done
  stage kube-proxy
  install -D -m 0755 "$kbin/kube-proxy" "$stage_dir/kube-proxy"
  build_image "$(key_of "$base_ref" "$(file_sha "$kbin/kube-proxy")")" "registry.k8s.io/kube-proxy:$kube_tag" \
    "FROM $base_ref
COPY kube-proxy /usr/local/bin/kube-proxy
ENTRYPOINT [\"/usr/local/bin/kube-proxy\"]"
}

base_image() {
  base_ref="kind-action.local/debian-iptables:$rootfs_key"
  [[ -n $(image_key "$base_ref") ]] && return
  docker import --change "ENV $PATH_ENV" --change "LABEL $key_label=$rootfs_key" "$rootfs_tar" "$base_ref" >/dev/null
  log "$base_ref: imported"
}

addon_images() {
  stage etcd
  install -D -m 0755 -t "$stage_dir/usr/local/bin" "$etcd_dir/etcd" "$etcd_dir/etcdctl"
  import_image "$(key_of "$(file_sha "$etcd_dir/etcd")" "$(file_sha "$etcd_dir/etcdctl")")" \
    "registry.k8s.io/etcd:$ETCD_TAG" "ENV $PATH_ENV" 'ENTRYPOINT ["/usr/local/bin/etcd"]'

  # Runs as root (upstream: uid 65532 + file capability): root binds port 53 under kubeadm's pod
  # securityContext on every containerd version, without relying on xattrs surviving docker import.
  stage coredns
  install -m 0755 "$coredns_dir/coredns" "$stage_dir/coredns"
  import_image "$(key_of "$(file_sha "$coredns_dir/coredns")")" "registry.k8s.io/coredns/coredns:$COREDNS_VERSION" \
    "ENV $PATH_ENV" 'ENTRYPOINT ["/coredns"]'

  local tags; read -ra tags <<< "$PAUSE_TAGS"
  stage pause
  install -m 0755 "$pause_dir/pause" "$stage_dir/pause"
  import_image "$(key_of "$(file_sha "$pause_dir/pause")")" "registry.k8s.io/pause:${tags[0]}" \
    'USER 65535:65535' 'ENTRYPOINT ["/pause"]'
  tag_all "registry.k8s.io/pause:${tags[0]}" "${tags[@]/#/registry.k8s.io/pause:}"

  stage local-path-provisioner
  install -D -m 0755 "$local_path_dir/local-path-provisioner" "$stage_dir/usr/local/bin/local-path-provisioner"
  import_image "$(key_of "$(file_sha "$local_path_dir/local-path-provisioner")")" "$LOCAL_PATH_PROVISIONER_IMAGE" \
    "ENV $PATH_ENV" 'ENTRYPOINT ["/usr/local/bin/local-path-provisioner"]'

  # The provisioner's helper pods run `/bin/sh /script/setup|teardown` (mkdir, rm): busybox-static.
  stage local-path-helper
  install -D -m 0755 /bin/busybox "$stage_dir/bin/busybox"
  local a
  for a in $(/bin/busybox --list); do [[ $a == busybox ]] || ln -s busybox "$stage_dir/bin/$a"; done
  import_image "$(key_of "$(file_sha /bin/busybox)")" "$LOCAL_PATH_HELPER_IMAGE" "ENV $PATH_ENV"

  stage kindnetd
  install -m 0755 "$kindnetd_dir/kindnetd" "$stage_dir/kindnetd"
  build_image "$(key_of "$base_ref" "$(file_sha "$kindnetd_dir/kindnetd")")" "$KINDNETD_IMAGE" \
    "FROM $base_ref
COPY kindnetd /bin/kindnetd
CMD [\"/bin/kindnetd\"]"

  # kind writes the real config with `mkdir -p` + `cp /dev/stdin <file>` and reloads with `kill -s HUP 1`.
  # The wrapper (components/haproxy/haproxy-wrapper) lets kind's maxconn start under a low fd limit.
  local lb; read -ra lb <<< "$HAPROXY_IMAGES"
  stage haproxy
  cp "$src/haproxy/haproxy.cfg" "$src/haproxy/relaxed-limits.cfg" "$src/haproxy/haproxy-wrapper" "$stage_dir/"
  build_image "$(key_of "$base_ref" "$(tree_hash "$src/haproxy")")" "${lb[0]}" \
    "FROM $base_ref
COPY haproxy.cfg relaxed-limits.cfg /usr/local/etc/haproxy/
COPY haproxy-wrapper /usr/local/sbin/haproxy
STOPSIGNAL SIGUSR1
ENTRYPOINT [\"haproxy\", \"-W\", \"-db\", \"-f\", \"/usr/local/etc/haproxy/haproxy.cfg\"]"
  tag_all "${lb[0]}" "${lb[@]:1}"

  # The upstream kind CLI's load balancer (v0.32+), for the reference runs only: a stand-in that renders
  # kind's Envoy files into the same HAProxy (components/envoy/envoy says what it reads).
  stage envoy
  cp "$src/envoy/envoy" "$stage_dir/"
  build_image "$(key_of "$base_ref" "$(tree_hash "$src/envoy")")" "$KIND_CLI_LB_IMAGE" \
    "FROM $base_ref
COPY envoy /usr/local/bin/envoy
CMD [\"envoy\", \"-c\", \"/etc/envoy/envoy.yaml\"]"
}

# One archive of every node image (the LB runs beside the nodes, not in them), named by the image IDs
# so a changed image gives a new file; superseded archives are removed.
save_archive() {
  local tags refs ids akey
  read -ra tags <<< "$PAUSE_TAGS"
  refs=("registry.k8s.io/kube-apiserver:$kube_tag" "registry.k8s.io/kube-controller-manager:$kube_tag"
    "registry.k8s.io/kube-scheduler:$kube_tag" "registry.k8s.io/kube-proxy:$kube_tag"
    "registry.k8s.io/etcd:$ETCD_TAG" "registry.k8s.io/coredns/coredns:$COREDNS_VERSION"
    "${tags[@]/#/registry.k8s.io/pause:}"
    "$KINDNETD_IMAGE" "$LOCAL_PATH_PROVISIONER_IMAGE" "$LOCAL_PATH_HELPER_IMAGE")
  ids=$(for r in "${refs[@]}"; do echo "$r $(docker image inspect -f '{{.Id}}' "$r")"; done)
  akey=$(sha <<< "$ids")
  archive="$line_dir/images-$akey.tar"
  if [[ ! -f $archive ]]; then
    docker save -o "$archive.tmp" "${refs[@]}"
    chmod 0644 "$archive.tmp" # docker save writes 0600
    mv "$archive.tmp" "$archive"
    printf '%s\n' "${refs[@]}" > "${archive%.tar}.list"
    find "$line_dir" -maxdepth 1 -name 'images-*' ! -name "images-$akey.*" -delete
  fi
  printf 'COMPONENTS_ARCHIVE=%s\nCOMPONENTS_LIST=%s\nCRICTL_BIN=%s\nETCD_VERSION=%s\nETCD_TAG=%s\nCOREDNS_VERSION=%s\nPAUSE_TAGS="%s"\n' \
    "$archive" "${archive%.tar}.list" "$crictl_dir/crictl" "$ETCD_VERSION" "$ETCD_TAG" "$COREDNS_VERSION" "$PAUSE_TAGS" \
    > "$line_dir/current.env"
}

# Rebuilt images leave their predecessors untagged, and a new root supersedes the old base: remove
# those (only images carrying our label), so repeated builds do not fill the disk.
prune_superseded() {
  local old
  mapfile -t old < <(docker images -q --no-trunc --filter dangling=true --filter "label=$key_label")
  ((${#old[@]} == 0)) || docker rmi "${old[@]}" >/dev/null 2>&1 || true
  mapfile -t old < <(docker images --format '{{.Repository}}:{{.Tag}}' kind-action.local/debian-iptables |
    grep -vx "$base_ref" || true)
  ((${#old[@]} == 0)) || docker rmi "${old[@]}" >/dev/null 2>&1 || true
}

ensure_host_tools
timed crictl build_crictl
if [[ ${1:-} == crictl ]]; then echo "$crictl_dir/crictl"; exit 0; fi

# The Debian root downloads while the Go builds use the CPU.
rootfs_log="$comp/work/rootfs.log"
build_rootfs > "$rootfs_log" 2>&1 &
rootfs_pid=$!
# Cached: returns at once when built. Binaries already there (a release's, or a source build's, which
# only build-kubernetes.sh --source can remake) are taken as they are.
[[ -f $KIND_ACTION_CACHE/kubernetes/$KUBE_VERSION/.done ]] || "$here/build-kubernetes.sh" >&2
kube_line_versions
timed pause build_pause
timed kindnetd build_kindnetd
timed local-path-provisioner build_local_path
timed etcd build_etcd
timed coredns build_coredns
wait "$rootfs_pid" || die "building the Debian root failed; see $rootfs_log"

timed base-image base_image
timed kube-images kube_images
timed addon-images addon_images
timed archive save_archive
prune_superseded
rm -rf "$comp/work/stage" # copies of the binaries, only needed while building images
log "archive: $archive ($(du -h "$archive" | cut -f1), $(wc -l < "${archive%.tar}.list") images)"
echo "$archive"
