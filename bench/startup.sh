#!/usr/bin/env bash
# Time from launching `cairn server` (Release build) to its first "OK" from /health, on a fresh and on an existing database.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "${BENCH_SKIP_BUILD:-0}" = 1 ] || dotnet build src/Cairn.Cli -c Release --nologo -v quiet >/dev/null
dir=$(mktemp -d -t cairn-startup.XXXXXX)
trap 'rm -rf "$dir"' EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
measure() {
  local start end pid
  start=$(date +%s%N)
  dotnet artifacts/bin/Cairn.Cli/release/cairn.dll server --port "$port" \
    --backend-store-uri "sqlite:///$dir/cairn.db" --artifacts-destination "$dir/artifacts" >/dev/null 2>&1 &
  pid=$!
  until curl -sf "http://127.0.0.1:$port/health" >/dev/null 2>&1; do sleep 0.01; done
  end=$(date +%s%N)
  kill "$pid"; wait "$pid" 2>/dev/null || true
  echo $(( (end - start) / 1000000 ))
}
for i in 1 2 3 4 5; do
  rm -rf "$dir"/*
  echo "fresh database, run $i: $(measure) ms"
done
for i in 1 2 3; do
  echo "existing database, run $i: $(measure) ms"
done
