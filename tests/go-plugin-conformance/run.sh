#!/usr/bin/env bash
# Runs the go-plugin conformance test: hashicorp/go-plugin v1.4.10, with Mattermost's handshake
# config, launches the fixture plugin binary of mm-hooks and talks to it through this project's
# proto compiled for Go.
#
# Needs: go, python3 with grpcio-tools (for protoc), cargo. Installs protoc-gen-go and
# protoc-gen-go-grpc from the Go module proxy into .tools/, generates the Go code into gen/
# (not committed), builds the Rust fixture, then runs `go test`.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$here"

module="github.com/mattermost-community/mattermost-plugin-rust/tests/go-plugin-conformance"
gen_pkg="$module/gen/pluginapipb"

export GOBIN="$here/.tools"
go install google.golang.org/protobuf/cmd/protoc-gen-go@v1.36.12
go install google.golang.org/grpc/cmd/protoc-gen-go-grpc@v1.5.1

# Only the pluginapi files: go-plugin registers the plugin.* support services itself.
rm -rf gen && mkdir -p gen/pluginapipb
files=()
mapping=()
for f in "$root"/crates/mm-proto/proto/mattermost/pluginapi/v1/*.proto; do
    rel="mattermost/pluginapi/v1/$(basename "$f")"
    files+=("$rel")
    mapping+=("M$rel=$gen_pkg")
done
go_opts=$(IFS=,; echo "paths=import,${mapping[*]}")
python3 -m grpc_tools.protoc -I "$root/crates/mm-proto/proto" \
    --plugin=protoc-gen-go="$GOBIN/protoc-gen-go" \
    --plugin=protoc-gen-go-grpc="$GOBIN/protoc-gen-go-grpc" \
    --go_out="$here/gen" --go_opt="$go_opts" \
    --go-grpc_out="$here/gen" --go-grpc_opt="$go_opts" \
    "${files[@]}"
# paths=import writes under the import path; move the package into gen/pluginapipb.
mv "$here/gen/$gen_pkg"/*.go gen/pluginapipb/
rm -rf "$here/gen/github.com"

target_dir="${CARGO_TARGET_DIR:-$root/target}"
(cd "$root" && cargo build --locked -p mm-hooks --bin all_hooks)
export MM_PLUGIN_FIXTURE="$target_dir/debug/all_hooks"

go test -count=1 -v ./...
