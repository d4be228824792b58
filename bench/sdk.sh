#!/usr/bin/env bash
# SDK logging benchmark: starts `cairn server` (Release, fresh SQLite file) and runs bench/sdk against it.
#
#   bench/sdk.sh [metrics=1000000]
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build src/Cairn.Cli -c Release --nologo -v quiet >/dev/null
dotnet build bench/sdk -c Release --nologo -v quiet >/dev/null
dir=$(mktemp -d -t cairn-sdk-bench.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
dotnet artifacts/bin/Cairn.Cli/release/cairn.dll server --port "$port" \
  --backend-store-uri "sqlite:///$dir/cairn.db" --artifacts-destination "$dir/artifacts" >"$dir/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$dir"' EXIT
until curl -sf "http://127.0.0.1:$port/health" >/dev/null 2>&1; do sleep 0.05; done
bash bench/machine-info.sh 2>/dev/null || true
dotnet artifacts/bin/Cairn.Bench.Sdk/release/Cairn.Bench.Sdk.dll "http://127.0.0.1:$port" "${1:-1000000}"
