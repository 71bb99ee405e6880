#!/bin/bash
# Run by undo-mount-hacks.service: on cgroup v1 the entrypoint may have bind-mounted a /proc/cgroups
# without the misc controller so that systemd would not mount it; systemd is past that point now.
set -euo pipefail
[[ -f /sys/fs/cgroup/cgroup.controllers ]] && exit 0
if findmnt /proc/cgroups >/dev/null; then
  umount /proc/cgroups
fi
