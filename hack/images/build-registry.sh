#!/usr/bin/env bash
# Builds, offline and cached, the registry image the local-registry tests run: distribution's registry
# (github.com/distribution/distribution/v3@REGISTRY_VERSION, from the Go module proxy) on an empty
# root, with a default configuration (registry/config.yml) and a small bcrypt `htpasswd` for tests
# (registry/htpasswd), tagged $REGISTRY_IMAGE (helm/kind-action's default registry_image, so that the
# action's default works here, where no registry can be pulled from).
#   docker run --rm --entrypoint htpasswd $REGISTRY_IMAGE USER PASSWORD   prints one htpasswd line
# Binaries are kept under $KIND_ACTION_CACHE/registry/<version>-<source hash>; the image carries a label
# with the hash of its inputs and is rebuilt only when that changes. Prints the image reference.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/versions.env"
src="$here/registry"
key_label=io.kind-action.component-key
log() { echo "build-registry: $*" >&2; }
die() { log "$*"; exit 1; }
sha() { sha256sum | cut -c1-16; }

command -v go >/dev/null || die "Go is required"
"$here/../docker-up.sh" >/dev/null
src_hash=$( (cd "$src" && find . -type f -print0 | sort -z | xargs -0 sha256sum; cat "$here/build-registry.sh") | sha)
out="$KIND_ACTION_CACHE/registry/$REGISTRY_VERSION-$src_hash"
mkdir -p "$KIND_ACTION_CACHE/registry"
# One build at a time: a second caller waits, then finds everything cached.
exec 9>"$KIND_ACTION_CACHE/registry/.lock"
flock 9

if [[ ! -x $out/registry || ! -x $out/htpasswd ]]; then
  rm -rf "$out.tmp"; mkdir -p "$out.tmp"
  pkg=github.com/distribution/distribution/v3
  commit=$(go mod download -json "$pkg@$REGISTRY_VERSION" | sed -n 's/.*"Hash": "\(.*\)".*/\1/p' | head -1)
  # No replace directives upstream: `go install pkg@version` builds with distribution's own go.mod.
  # Flags as its Makefile stamps them (version, revision); CGO off for a binary that needs no libc.
  GOBIN="$out.tmp" CGO_ENABLED=0 nice -n 10 go install -trimpath \
    -ldflags "-s -w -X $pkg/version.version=$REGISTRY_VERSION -X $pkg/version.revision=${commit:-unknown} -X $pkg/version.mainpkg=$pkg" \
    "$pkg/cmd/registry@$REGISTRY_VERSION"
  # htpasswd with the x/crypto the registry itself verifies passwords with.
  gomod=$(go mod download -json "$pkg@$REGISTRY_VERSION" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')
  crypto=$(awk '$1 == "golang.org/x/crypto" {print $2}' "$gomod")
  w="$out.tmp/work"; mkdir -p "$w"; cp "$src/htpasswd/main.go" "$w/"
  printf 'module kind-action.local/htpasswd\n\ngo 1.24\n\nrequire golang.org/x/crypto %s\n' "$crypto" > "$w/go.mod"
  (cd "$w" && go mod tidy && CGO_ENABLED=0 nice -n 10 go build -trimpath -ldflags "-s -w" -o "$out.tmp/htpasswd" .)
  rm -rf "$w"
  mv "$out.tmp" "$out" # rename last, so an interrupted build is never taken as done
  log "binaries built in $out"
fi

key=$( (sha256sum "$out/registry" "$out/htpasswd" "$src/config.yml" | cut -d' ' -f1; echo "$REGISTRY_IMAGE") | sha)
current=$(docker image inspect -f "{{index .Config.Labels \"$key_label\"}}" "$REGISTRY_IMAGE" 2>/dev/null || true)
if [[ $current == "$key" ]]; then
  log "$REGISTRY_IMAGE: up to date"
else
  stage=$(mktemp -d); trap 'rm -rf "$stage"' EXIT
  mkdir -p "$stage/root/bin" "$stage/root/etc/docker/registry" "$stage/root/etc/distribution" "$stage/root/var/lib/registry" "$stage/root/tmp"
  chmod 1777 "$stage/root/tmp"
  install -m 0755 "$out/registry" "$out/htpasswd" "$stage/root/bin/"
  # registry:2 reads /etc/docker/registry/config.yml, registry:3 /etc/distribution/config.yml: both work.
  install -m 0644 "$src/config.yml" "$stage/root/etc/docker/registry/config.yml"
  install -m 0644 "$src/config.yml" "$stage/root/etc/distribution/config.yml"
  tar -C "$stage/root" --numeric-owner --owner=0 --group=0 -c . | docker import \
    --change "LABEL $key_label=$key" --change 'ENV PATH=/bin' --change 'ENV OTEL_TRACES_EXPORTER=none' \
    --change 'VOLUME ["/var/lib/registry"]' --change 'EXPOSE 5000' \
    --change 'ENTRYPOINT ["/bin/registry"]' --change 'CMD ["serve", "/etc/docker/registry/config.yml"]' \
    - "$REGISTRY_IMAGE" >/dev/null
  log "$REGISTRY_IMAGE: built ($REGISTRY_VERSION)"
fi
echo "$REGISTRY_IMAGE"
