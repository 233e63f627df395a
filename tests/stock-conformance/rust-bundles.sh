#!/usr/bin/env bash
# Builds the Rust plugins the stock conformance harness runs (release builds) and writes one
# stock bundle each: plugin.json with server.executables.linux-amd64 and the binary at that
# path, as a stock server installs it. Prints the STOCK_BUNDLES value for run.sh:
#
#   STOCK_BUNDLES=$(bash tests/stock-conformance/rust-bundles.sh) bash tests/stock-conformance/run.sh
#
# Roles: allhooks = the all-hooks fixture (crates/mm-hooks/tests/fixtures/all_hooks.rs);
# lifecycle = examples/hello, examples/http-stream, examples/blocking. The apiprobe role
# (tests/api-probe) is added where marked below.
#
# OUT_DIR (first argument, default: a temporary folder) receives the .tar.gz bundles.
# Bundles are written by hand until `mm-host bundle` writes server.executables itself.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="${1:-$(mktemp -d)}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"

cargo build --quiet --release --locked --manifest-path "$root/Cargo.toml" \
    --bins -p mm-hooks \
    -p mm-example-hello -p mm-example-http-stream -p mm-example-blocking >&2
target_dir="$(cargo metadata --format-version 1 --no-deps --manifest-path "$root/Cargo.toml" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')"

# bundle <name> <binary> <manifest template or "-"> <id>: writes $out/<name>.tar.gz, prints its path.
bundle() {
    local name=$1 binary=$2 template=$3 id=$4 stage
    stage="$(mktemp -d)"
    mkdir -p "$stage/$id/server/dist"
    python3 - "$template" "$id" "$stage/$id/plugin.json" <<'PY'
import json, sys
template, plugin_id, dest = sys.argv[1:]
manifest = json.load(open(template)) if template != "-" else {"id": plugin_id, "name": plugin_id, "version": "0.1.0"}
server = {k: v for k, v in manifest.get("server", {}).items() if k not in ("executables", "executable", "runtime")}
server["executables"] = {"linux-amd64": "server/dist/plugin-linux-amd64"}
manifest["server"] = server
# The harness's hosts (server/public v0.0.6 ... v0.4.4) report server versions older than the
# examples' min_server_version (10.0.0, for the gRPC fork); the net/rpc side has no such floor.
manifest.pop("min_server_version", None)
json.dump(manifest, open(dest, "w"), indent=2)
PY
    install -m 0755 "$binary" "$stage/$id/server/dist/plugin-linux-amd64"
    tar -C "$stage" -czf "$out/$name.tar.gz" "$id"
    rm -rf "$stage"
    echo "$out/$name.tar.gz"
}

spec="allhooks=$(bundle allhooks "$target_dir/release/all_hooks" - com.mattermost.rust.allhooks)"
for example in hello http-stream blocking; do
    spec="$spec,lifecycle=$(bundle "$example" "$target_dir/release/mm-example-$example" \
        "$root/examples/$example/plugin.json" "com.example.$example")"
done
# apiprobe: append ",apiprobe=$(bash "$root/tests/api-probe/stock-bundle.sh" "$out")" here once
# the Rust API probe passes TestAPIProbe (owned by the API-probe work).
echo "$spec"
