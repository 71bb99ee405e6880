#!/usr/bin/env bash
# Builds the cgroup v2 guest for `hack/test.sh vm` (issue 20) from Debian packages, cached and resumable in
# $KIND_ACTION_CACHE/vm: each stage leaves a .done marker and prints its time, and a rerun skips what is
# done. Stages: host packages (qemu), a debootstrap root (systemd, Docker Engine), the Debian kernel and its
# initrd (taken out for qemu's direct boot), the guest's configuration, an ext4 disk image made from the
# directory (mkfs.ext4 -d: no loop mount), and the images the e2e files need, saved from the host's Docker.
# Bumping VM_BUILD_KEY (or any package list) rebuilds from scratch.
set -euo pipefail
cd "$(dirname "$0")/../.."
source hack/images/versions.env
VM_BUILD_KEY=bookworm-1
VM=${KIND_ACTION_VM_DIR:-$KIND_ACTION_CACHE/vm}/$VM_BUILD_KEY
ROOT=$VM/root
GUEST_PACKAGES=systemd,systemd-sysv,dbus,udev,kmod,procps,iproute2,iptables,ca-certificates,docker.io,containerd,runc,busybox-static,e2fsprogs,less
# The images the vm tier's e2e files use, besides the node image (hack/images builds them all on the host).
VM_IMAGES="kindest/node:$KUBE_VERSION kind-action-test/busybox:v2 $HAPROXY_IMAGES $KIND_CLI_LB_IMAGE"
mkdir -p "$VM"

stage() { # stage <name> <function>: runs it unless its marker is there, and prints how long it took
  if [[ -f $VM/$1.done ]]; then echo "vm build: $1 cached ($(cat "$VM/$1.done"))"; return; fi
  echo "vm build: $1 ..."
  local start=$SECONDS
  "$2"
  echo "$((SECONDS - start)) s on $(date -u +%FT%TZ)" >"$VM/$1.done"
  echo "vm build: $1 done in $((SECONDS - start)) s"
}

host_packages() {
  local need=()
  command -v qemu-system-x86_64 >/dev/null || need+=(qemu-system-x86)
  command -v qemu-img >/dev/null || need+=(qemu-utils)
  command -v debootstrap >/dev/null || need+=(debootstrap)
  command -v mkfs.ext4 >/dev/null || need+=(e2fsprogs)
  if ((${#need[@]})); then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive nice -n 10 apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  fi
}

debootstrap_root() {
  rm -rf "$ROOT"
  nice -n 10 debootstrap --variant=minbase --include="$GUEST_PACKAGES" bookworm "$ROOT" http://deb.debian.org/debian >"$VM/debootstrap.log" 2>&1 ||
    { tail -30 "$VM/debootstrap.log"; exit 1; }
}

in_root() { # in_root <command...>: runs in the root with /proc, /sys and /dev mounted, unmounting after
  mount -t proc proc "$ROOT/proc"; mount -t sysfs sys "$ROOT/sys"; mount --bind /dev "$ROOT/dev"
  local rc=0
  DEBIAN_FRONTEND=noninteractive nice -n 10 chroot "$ROOT" "$@" || rc=$?
  umount "$ROOT/dev" "$ROOT/sys" "$ROOT/proc"
  return $rc
}

kernel() {
  # The root disk is virtio-blk and the shares are 9p over virtio: the initrd needs the first, and the
  # guest loads the rest at boot (virtio_ring before virtio, which modprobe's dependencies order).
  mkdir -p "$ROOT/etc/initramfs-tools"
  printf '%s\n' virtio_ring virtio virtio_pci virtio_blk ext4 >"$ROOT/etc/initramfs-tools/modules"
  printf '%s\n' 9pnet 9pnet_virtio 9p virtio_net overlay br_netfilter >"$ROOT/etc/modules-load.d/kind-action-vm.conf"
  in_root apt-get install -y -qq --no-install-recommends -o Dpkg::Options::=--force-confold linux-image-amd64 >"$VM/kernel.log" 2>&1 || { tail -30 "$VM/kernel.log"; exit 1; }
  cp "$(ls "$ROOT"/boot/vmlinuz-* | sort -V | tail -1)" "$VM/vmlinuz"
  cp "$(ls "$ROOT"/boot/initrd.img-* | sort -V | tail -1)" "$VM/initrd.img"
}

configure() {
  echo kind-action-vm >"$ROOT/etc/hostname"
  echo '/dev/vda / ext4 rw,relatime 0 1' >"$ROOT/etc/fstab"
  passwd -R "$ROOT" -d root >/dev/null
  mkdir -p "$ROOT/etc/systemd/network" "$ROOT/etc/docker"
  printf '[Match]\nName=en* eth*\n[Network]\nDHCP=yes\n' >"$ROOT/etc/systemd/network/10-user.network"
  ln -sf /lib/systemd/system/systemd-networkd.service "$ROOT/etc/systemd/system/multi-user.target.wants/systemd-networkd.service"
  # Docker's data root stays on the ext4 disk (/var/lib/docker); overlay2 cannot sit on 9p.
  echo '{"storage-driver": "overlay2", "data-root": "/var/lib/docker"}' >"$ROOT/etc/docker/daemon.json"
  install -m 0755 hack/vm/guest-boot.sh "$ROOT/usr/local/sbin/kind-action-vm"
  cat >"$ROOT/etc/systemd/system/kind-action-vm.service" <<'UNIT'
[Unit]
Description=kind-action cgroup v2 test run (hack/vm): mounts the shares, runs hack/vm/guest.sh, powers off
After=docker.service network-online.target
Wants=docker.service

[Service]
Type=oneshot
ExecStart=/usr/local/sbin/kind-action-vm
StandardOutput=journal+console
StandardError=journal+console

[Install]
WantedBy=multi-user.target
UNIT
  ln -sf /etc/systemd/system/kind-action-vm.service "$ROOT/etc/systemd/system/multi-user.target.wants/kind-action-vm.service"
  # No getty on the serial console: the console is the run's log, and nothing logs in.
  ln -sf /dev/null "$ROOT/etc/systemd/system/serial-getty@ttyS0.service"
  rm -f "$ROOT"/var/cache/apt/archives/*.deb
}

disk() {
  rm -f "$VM/disk.img"
  nice -n 10 mkfs.ext4 -q -F -L root -d "$ROOT" "$VM/disk.img" 20G
}

images() {
  # Saved again when any image's ID changes (the key is the IDs).
  local ids; ids=$(docker image inspect -f '{{.Id}}' $VM_IMAGES | sha256sum | cut -c1-16)
  if [[ -f $VM/images/key && $(cat "$VM/images/key") == "$ids" ]]; then return; fi
  rm -rf "$VM/images"; mkdir -p "$VM/images"
  # shellcheck disable=SC2086 # a list of images
  nice -n 10 docker save -o "$VM/images/images.tar" $VM_IMAGES
  echo "$ids" >"$VM/images/key"
}

preload() {
  # The images go into the guest's Docker data root on the host, natively: `docker load` in the guest
  # under software emulation took over 15 min for these 1.1 GB (run 1 of hack/vm, December 2026). A
  # private containerd and dockerd (same Docker release as the guest's, own sockets, no networking, an
  # empty config, its own network namespace) write $ROOT/var/lib/docker and stop; the host's Docker and its
  # containers are untouched.
  local tmp rc=0; tmp=$(mktemp -d /tmp/kind-action-vm-dockerd-XXXXXX)
  rm -rf "$ROOT/var/lib/docker"
  printf 'version = 2\ndisabled_plugins = ["io.containerd.grpc.v1.cri"]\n' >"$tmp/containerd.toml"
  echo '{}' >"$tmp/daemon.json"
  containerd --config "$tmp/containerd.toml" --root "$tmp/containerd-root" --state "$tmp/containerd-state" \
    --address "$tmp/containerd.sock" >"$VM/preload-containerd.log" 2>&1 &
  local containerd_pid=$!
  # In a network namespace of its own: a dockerd with --bridge none deletes the docker0 bridge it finds,
  # which in the host's namespace is the host Docker's (seen here: every later container failed to start).
  unshare --net dockerd --config-file "$tmp/daemon.json" --data-root "$ROOT/var/lib/docker" --exec-root "$tmp/exec" --pidfile "$tmp/docker.pid" \
    -H "unix://$tmp/docker.sock" --containerd "$tmp/containerd.sock" --containerd-namespace kind-action-vm \
    --containerd-plugins-namespace kind-action-vm-plugins --storage-driver overlay2 --bridge none --iptables=false --ip-masq=false \
    >"$VM/preload-dockerd.log" 2>&1 &
  local dockerd_pid=$!
  for _ in $(seq 60); do DOCKER_HOST=unix://$tmp/docker.sock docker info >/dev/null 2>&1 && break; sleep 1; done
  DOCKER_HOST=unix://$tmp/docker.sock nice -n 10 docker load -i "$VM/images/images.tar" || rc=$?
  kill "$dockerd_pid"; wait "$dockerd_pid" || true
  kill "$containerd_pid"; wait "$containerd_pid" || true
  rm -rf "$tmp"
  # The guest's Docker makes its own networks (this one had none).
  rm -rf "$ROOT/var/lib/docker/network"
  return $rc
}

start=$SECONDS
stage host-packages host_packages
stage debootstrap debootstrap_root
stage kernel kernel
stage configure configure
# Not marker stages: they check the images' IDs each time (a rebuilt node image is saved again, loaded
# again into the root, and the disk made again).
t=$SECONDS; images; echo "vm build: images ready in $((SECONDS - t)) s ($(du -sh "$VM/images/images.tar" | cut -f1))"
if [[ ! -f $VM/preload.key || $(cat "$VM/preload.key") != "$(cat "$VM/images/key")" ]]; then
  t=$SECONDS; rm -f "$VM/preload.key" "$VM/disk.done"
  preload; cp "$VM/images/key" "$VM/preload.key"
  echo "vm build: preload done in $((SECONDS - t)) s"
fi
stage disk disk
echo "vm build: ready in $((SECONDS - start)) s: $VM"
