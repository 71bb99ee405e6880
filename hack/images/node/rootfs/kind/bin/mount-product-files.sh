#!/bin/bash
# OCI createContainer hook (listed in /etc/containerd/cri-base.json): gives every container the node's
# fake DMI product_name and product_uuid (see the entrypoint), so pods on different nodes do not all
# see the host's. runc calls it with the container state as JSON on stdin and an empty environment.
set -euo pipefail
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

bundle=$(jq -r .bundle)
rootfs="${bundle:?no bundle in the container state}/rootfs"
cp /kind/product_name /kind/product_uuid "$rootfs/"

bind_ro() {
  local file=$1 target=$2
  [[ -f $target ]] || return 0
  mount -o ro,bind "$rootfs/$file" "$rootfs$target"
}
bind_ro product_name /sys/class/dmi/id/product_name
bind_ro product_uuid /sys/class/dmi/id/product_uuid
bind_ro product_uuid /sys/devices/virtual/dmi/id/product_uuid
