#!/usr/bin/env bash
# Stock-server conformance: runs plugin bundles on the real plugin.Environment of
# github.com/mattermost/mattermost/server/public, at v0.4.4 (go.mod) and at the oldest
# supported version (go.legacy.mod, v0.0.6). See README.md.
#
# Environment:
#   STOCK_BUNDLES         more bundles to test after the Go stand-ins, role=path[,role=path...]
#                         (roles: allhooks, apiprobe, lifecycle; lifecycle may repeat), e.g.
#                         STOCK_BUNDLES=allhooks=/p/a.tar.gz,apiprobe=/p/b.tar.gz
#   STOCK_EXTRA_VERSIONS  more server/public versions to run (space-separated, e.g. "v0.1.22 v0.3.0")
#   STOCK_IDLE=0          skip the 90 s idle-session test
#   STOCK_LOG_DIR         keep each test's server log there
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

# Bundle paths in STOCK_BUNDLES are relative to the caller's directory.
extra=""
if [ -n "${STOCK_BUNDLES:-}" ]; then
    IFS=',' read -r -a items <<<"$STOCK_BUNDLES"
    for item in "${items[@]}"; do
        [ -z "$item" ] && continue
        role="${item%%=*}" path="${item#*=}"
        case "$path" in /*) ;; *) path="$PWD/$path" ;; esac
        extra="${extra:+$extra,}$role=$path"
    done
fi
cd "$here"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
started=$(date +%s)

echo "--- modules (Go module proxy)"
go mod download
go mod download -modfile=go.legacy.mod

echo "--- unit tests of the filler and the report comparison"
go test -count=1 ./internal/...

echo "--- Go stand-ins (plugin.ClientMain, server/public v0.4.4)"
standins="$(go run ./cmd/standins -out "$work/standins")"
echo "$standins"

# suite <label> <modfile> <bundles> <idle>
suite() {
    local label=$1 modfile=$2 spec=$3 idle=$4 log
    log="$work/$(echo "$label" | tr ' /' '__').log"
    echo
    echo "=== $label"
    local t0=$(date +%s)
    if ! go test -count=1 -timeout 20m -v -modfile="$modfile" . -args -bundles="$spec" -idle="$idle" >"$log" 2>&1; then
        grep -E '^(server/public|hooks covered|API |argument fields|report entries|--- FAIL|    --- FAIL|FAIL)' "$log" || true
        echo "--- $label failed; end of the log:"
        tail -n 150 "$log"
        exit 1
    fi
    grep -E '^(server/public|hooks covered|API |argument fields|report entries|lifecycle |host killed|session idle|settings loaded|--- SKIP|    --- SKIP|ok )' "$log" || true
    echo "($label: $(( $(date +%s) - t0 )) s)"
}

idle_go=true
if [ "${STOCK_IDLE:-1}" = 0 ] || [ -n "$extra" ]; then
    idle_go=false # the idle test runs once: with the extra bundles when there are some
fi

suite "Go stand-ins, server/public v0.4.4" go.mod "$standins" "$idle_go"
suite "Go stand-ins, server/public v0.0.6" go.legacy.mod "$standins" false

for v in ${STOCK_EXTRA_VERSIONS:-}; do
    mod="$work/go.$v.mod"
    sed "s#server/public v0.0.6#server/public $v#" go.legacy.mod >"$mod"
    cp go.legacy.sum "${mod%.mod}.sum"
    go mod tidy -modfile="$mod" >/dev/null
    suite "Go stand-ins, server/public $v" "$mod" "$standins" false
done

if [ -n "$extra" ]; then
    idle=true
    [ "${STOCK_IDLE:-1}" = 0 ] && idle=false
    suite "STOCK_BUNDLES, server/public v0.4.4" go.mod "$extra" "$idle"
    suite "STOCK_BUNDLES, server/public v0.0.6" go.legacy.mod "$extra" false
fi

echo
echo "stock conformance passed in $(( $(date +%s) - started )) s"
