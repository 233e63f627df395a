#!/usr/bin/env bash
# Builds the Rust plugins the stock conformance harness runs and bundles each with
# `mm-host bundle` (the bundle a plugin author ships: server.executables for stock servers,
# runtime "python" for the fork). Prints the STOCK_BUNDLES value for run.sh:
#
#   STOCK_BUNDLES=$(bash tests/stock-conformance/rust-bundles.sh) bash tests/stock-conformance/run.sh
#
# Roles: allhooks = the all-hooks fixture (crates/mm-hooks/tests/fixtures/all_hooks.rs, manifest
# in all_hooks/plugin.json); lifecycle = examples/hello, examples/http-stream, examples/blocking;
# apiprobe = tests/api-probe.
#
# OUT_DIR (first argument, default: a temporary folder) receives the .tar.gz bundles.
# STOCK_PROFILE=debug bundles debug builds (CI: `cargo test --workspace` already built them, a
# release build of the tree would add minutes); default release, as `mm-host bundle` builds.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="${1:-$(mktemp -d)}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
profile="${STOCK_PROFILE:-release}"
profile_flag=()
[ "$profile" = release ] && profile_flag=(--release)

cargo build --quiet --locked "${profile_flag[@]}" --manifest-path "$root/Cargo.toml" \
    --bins -p mm-hooks -p mm-example-hello -p mm-example-http-stream -p mm-example-blocking \
    -p mm-api-probe >&2
cargo build --quiet --locked --manifest-path "$root/Cargo.toml" -p mm-host --bin mm-host >&2
target_dir="$(cargo metadata --format-version 1 --no-deps --manifest-path "$root/Cargo.toml" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')"
mm_host="$target_dir/debug/mm-host"

# bundle <plugin dir> <binary name>: `mm-host bundle` with the built binary; prints the path.
bundle() {
    local dir=$1 binary=$2 name
    "$mm_host" bundle "$dir" --binary "$target_dir/$profile/$binary" --target linux-amd64 --out "$out" >&2
    name="$(python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); print(m["id"] + "-" + m["version"] + "-linux-amd64.tar.gz")' "$dir/plugin.json")"
    echo "$out/$name"
}

spec="allhooks=$(bundle "$root/crates/mm-hooks/tests/fixtures/all_hooks" all_hooks)"
for example in hello http-stream blocking; do
    spec="$spec,lifecycle=$(bundle "$root/examples/$example" "mm-example-$example")"
done
spec="$spec,apiprobe=$(bundle "$root/tests/api-probe" mm-api-probe)"
echo "$spec"
