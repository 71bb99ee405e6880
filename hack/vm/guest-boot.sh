#!/bin/bash
# Baked into the guest (hack/vm/build.sh) as kind-action-vm.service's program: mounts the 9p shares that
# hack/vm/run.sh gives qemu, runs the checkout's hack/vm/guest.sh (so changing it needs no rebuild), puts
# its log and exit code in the results share, and powers the guest off.
set -u
share() { # share <tag> <dir> [ro]
  mkdir -p "$2" && mount -t 9p -o "trans=virtio,version=9p2000.L,msize=524288,cache=loose${3:+,$3}" "$1" "$2"
}
rc=0
share results /mnt/results || rc=90
share checkout /mnt/checkout || rc=91
share images /mnt/images ro || rc=92
share kind /var/cache/kind-action/kind ro || rc=93
if ((rc == 0)); then
  echo "kind-action-vm: shares mounted at $(cut -d' ' -f1 /proc/uptime) s of guest uptime"
  bash /mnt/checkout/hack/vm/guest.sh 2>&1 | tee /mnt/results/guest.log
  rc=${PIPESTATUS[0]}
fi
echo "kind-action-vm: guest script exited $rc"
echo "$rc" >/mnt/results/exit-code
sync
systemctl poweroff
