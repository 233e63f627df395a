#!/usr/bin/env bash
# Writes a bundle of the API probe that a stock Mattermost server (and the stock conformance
# harness) runs: plugin.json with server.executables.linux-amd64 and the binary at that path.
# A stop-gap until `mm-host bundle` writes server.executables itself (on a gRPC server, use
# `mm-host bundle tests/api-probe`).
#
#   bash tests/api-probe/stock-bundle.sh [OUT_DIR]     # prints the path of the .tar.gz
#   STOCK_BUNDLES=apiprobe=$(bash tests/api-probe/stock-bundle.sh) bash tests/stock-conformance/run.sh
#   API_PROBE_PROFILE=debug bash tests/api-probe/stock-bundle.sh   # a debug build (faster to build)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${1:-$here/dist}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"

profile="${API_PROBE_PROFILE:-release}"
case "$profile" in
release) cargo build --quiet --release -p mm-api-probe --manifest-path "$here/../../Cargo.toml" >&2 ;;
debug) cargo build --quiet -p mm-api-probe --manifest-path "$here/../../Cargo.toml" >&2 ;;
*) echo "API_PROBE_PROFILE must be release or debug, not $profile" >&2; exit 2 ;;
esac
target_dir="$(cargo metadata --format-version 1 --no-deps --manifest-path "$here/../../Cargo.toml" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')"
binary="$target_dir/$profile/mm-api-probe"

id="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$here/plugin.json")"
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/$id/server/dist"
cp "$here/plugin.json" "$stage/$id/plugin.json"
install -m 0755 "$binary" "$stage/$id/server/dist/plugin-linux-amd64"
tarball="$out/$id-stock-linux-amd64.tar.gz"
tar -C "$stage" -czf "$tarball" "$id"
echo "$tarball"
