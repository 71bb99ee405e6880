#!/usr/bin/env bash
# Builds everything the end-to-end tests need, in dependency order, for each Kubernetes line given
# (default: KUBE_VERSION of versions.env): the Docker Engine if none answers, the Kubernetes binaries,
# the component images (+ crictl) and the node image kindest/node:<version>; then the upstream kind CLI
# (the reference in the tests) and the local registry's image (registry: true, the registry auth tests).
# Each step is cached by content and returns at once when up to date, so this is safe to run at the start
# of every CI job. Usage: build-all.sh [v1.37.2 v1.36.3 ...]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/versions.env"

timed() {
  local start=$SECONDS
  echo "build-all: $*" >&2
  "$@"
  echo "build-all: $* done in $((SECONDS - start)) s" >&2
}

timed "$here/../docker-up.sh"
for version in "${@:-$KUBE_VERSION}"; do
  for step in build-kubernetes.sh build-components.sh build-node.sh; do
    KUBE_VERSION=$version timed "$here/$step" >/dev/null
  done
done
timed "$here/build-kind-cli.sh" >/dev/null
timed "$here/build-registry.sh" >/dev/null
