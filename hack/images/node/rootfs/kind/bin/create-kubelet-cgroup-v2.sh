#!/bin/bash
# cgroup v2 only, from kubelet's ExecStartPre: creates kubelet's cgroupRoot (/kubelet and
# /kubelet.slice) with every available controller enabled for it and its children. Writing the root's
# cgroup.subtree_control needs an empty root cgroup.procs, which holds only once systemd runs.
set -euo pipefail
cg=/sys/fs/cgroup
if [[ ! -f $cg/cgroup.controllers ]]; then
  echo 'ERROR: create-kubelet-cgroup-v2.sh is for cgroup v2 only' >&2
  exit 1
fi
if [[ -n $(grep -v '^0$' "$cg/cgroup.procs" || true) ]]; then
  echo "ERROR: $cg/cgroup.procs is not empty; this must run after systemd has started" >&2
  exit 1
fi

# Enables, for the children of $1, every controller $1 has ("cpu io" -> "+cpu +io").
delegate_all() {
  local dir=$1 controllers
  controllers=$(cat "$dir/cgroup.controllers")
  [[ -n $controllers ]] || return 0
  sed -e 's/^/+/' -e 's/ / +/g' <<< "$controllers" > "$dir/cgroup.subtree_control"
}

delegate_all "$cg"
for d in kubelet kubelet.slice; do
  mkdir -p "$cg/$d"
  delegate_all "$cg/$d"
done
