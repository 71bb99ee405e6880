#!/usr/bin/env bash
# Makes a Docker Engine available for the tests: installs Debian's docker.io when dockerd is absent,
# starts dockerd when nothing answers, and on hosts whose bounding set lacks CAP_SYS_RESOURCE
# registers a runc wrapper as the default runtime so that --privileged containers and docker exec work
# (see ../shared/DESIGN.md). Idempotent; returns at once when Docker already answers.
set -euo pipefail
log() { echo "docker-up: $*" >&2; }

# Several kind nodes at once exhaust the kernel's default inotify limits (kind's known issue).
if [[ $(id -u) == 0 ]]; then
  sysctl -qw fs.inotify.max_user_instances=512 fs.inotify.max_user_watches=524288 || true
fi
if docker info >/dev/null 2>&1; then log "Docker already answers"; exit 0; fi
if [[ $(id -u) != 0 ]]; then log "not root and no Docker daemon answers; start one first"; exit 1; fi

need_pkgs=()
command -v dockerd >/dev/null || need_pkgs+=(docker.io)
command -v jq >/dev/null || need_pkgs+=(jq)
if ((${#need_pkgs[@]})); then
  log "installing ${need_pkgs[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}" >/dev/null
fi

# CAP_SYS_RESOURCE is bit 24 of the bounding set.
capbnd=$(awk '/^CapBnd/ {print $2}' /proc/self/status)
runtime_args=()
if (( (16#$capbnd >> 24 & 1) == 0 )); then
  wrapper=/usr/local/libexec/kind-action/runc-without-sys-resource
  mkdir -p "$(dirname "$wrapper")"
  cat > "$wrapper" <<'WRAP'
#!/usr/bin/env bash
# Drops CAP_SYS_RESOURCE from the OCI spec (create/run: <bundle>/config.json, exec: --process file)
# before calling the real runc, because this host cannot grant it and runc would refuse the whole set.
strip() {
  local f=$1 tmp
  [[ -f $f ]] || return 0
  tmp=$(mktemp "$f.XXXX")
  if jq 'def drop: if type == "array" then map(select(. != "CAP_SYS_RESOURCE")) else . end;
         (if .process then .process else . end) as $p
         | if .process then .process.capabilities |= (if . then with_entries(.value |= drop) else . end)
           else .capabilities |= (if . then with_entries(.value |= drop) else . end) end' "$f" > "$tmp"; then
    mv "$tmp" "$f"
  else
    rm -f "$tmp"
  fi
}
args=("$@"); cmd=""; bundle="."; process=""
for ((i = 0; i < ${#args[@]}; i++)); do
  a=${args[i]}
  case $a in
    create|run|exec) [[ -z $cmd ]] && cmd=$a ;;
    --bundle|-b) bundle=${args[i+1]} ;;
    --bundle=*) bundle=${a#--bundle=} ;;
    --process|-p) process=${args[i+1]} ;;
    --process=*) process=${a#--process=} ;;
  esac
done
case $cmd in
  create|run) strip "$bundle/config.json" ;;
  exec) [[ -n $process ]] && strip "$process" ;;
esac
exec /usr/sbin/runc "$@"
WRAP
  chmod 0755 "$wrapper"
  mkdir -p /etc/docker
  runtime_args=(--add-runtime "kind-action-runc=$wrapper" --default-runtime kind-action-runc)
  log "host lacks CAP_SYS_RESOURCE: default runtime is $wrapper"
fi

log "starting dockerd"
nohup dockerd "${runtime_args[@]}" >/var/log/kind-action-dockerd.log 2>&1 &
for _ in $(seq 1 60); do
  if docker info >/dev/null 2>&1; then log "Docker is up ($(docker version -f '{{.Server.Version}}'))"; exit 0; fi
  sleep 0.5
done
log "dockerd did not answer within 30 s; its log:"; tail -30 /var/log/kind-action-dockerd.log >&2
exit 1
