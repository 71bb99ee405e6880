#!/usr/bin/env bash
# Builds the upstream kind CLI (sigs.k8s.io/kind@KIND_CLI_VERSION) from the Go module proxy.
# It is a reference tool for tests only (to check that kind sees our clusters as its own); the action
# never uses it. Output: $KIND_ACTION_CACHE/kind/<version>/kind, printed on the last line. Cached.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/versions.env"
ver=${1:-$KIND_CLI_VERSION}
out="$KIND_ACTION_CACHE/kind/$ver"
if [[ ! -x "$out/kind" ]]; then
  command -v go >/dev/null || { echo "build-kind-cli: Go is required" >&2; exit 1; }
  mkdir -p "$out"
  # The tag's commit, for `kind version` (upstream stamps it the same way, see kind's Makefile).
  commit=$(go mod download -json "sigs.k8s.io/kind@$ver" | sed -n 's/.*"Hash": "\(.*\)".*/\1/p' | head -1)
  # kind's go.mod has no replace directives, so `go install pkg@version` works; its own go.mod
  # then decides the Go language/GODEBUG defaults, as in upstream builds.
  GOBIN="$out/.tmp" CGO_ENABLED=0 go install -trimpath \
    -ldflags "-buildid= -w -X=sigs.k8s.io/kind/pkg/cmd/kind/version.gitCommit=${commit:-unknown}" \
    "sigs.k8s.io/kind@$ver"
  mv "$out/.tmp/kind" "$out/kind" # rename last, so an interrupted build is never taken as done
  rmdir "$out/.tmp"
fi
"$out/kind" version >&2
echo "$out/kind"
