#!/usr/bin/env bash
# Runs every test: the .NET suites (xUnit over real HTTP, SQLite, processes and an S3-protocol server) and
# the third-party npm `mlflow` client against a running `cairn server`. Installs what they need.
# Ends with one line "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")"
root=$(pwd)
out=$(mktemp -d -t cairn-test.XXXXXX)
server_pid=""
s3_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null
  [ -n "$s3_pid" ] && kill "$s3_pid" 2>/dev/null
  rm -rf "$out"
}
trap cleanup EXIT

passed=0
failed=0

echo "== installing test dependencies"
if [ ! -d tests/js-client/node_modules ]; then
  (cd tests/js-client && npm ci --no-audit --no-fund --loglevel=error) || { echo "npm ci failed"; failed=$((failed + 1)); }
fi
if [ ! -d tests/s3-server/node_modules ]; then
  (cd tests/s3-server && npm ci --no-audit --no-fund --loglevel=error) || { echo "npm ci failed"; failed=$((failed + 1)); }
fi

echo "== building"
if ! dotnet build Cairn.slnx -c Release --nologo -v quiet; then
  echo "build failed"
  echo "0 passed, 1 failed"
  exit 1
fi

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

echo "== S3 test server (s3rver) on loopback"
s3_port=$(free_port)
mkdir -p "$out/s3"
node tests/s3-server/server.js "$s3_port" "$out/s3" cairn-test >"$out/s3.log" 2>&1 &
s3_pid=$!
for _ in $(seq 1 100); do
  curl -s "http://127.0.0.1:$s3_port/" >/dev/null 2>&1 && break
  sleep 0.1
done
curl -s "http://127.0.0.1:$s3_port/" >/dev/null 2>&1 || { echo "S3 test server did not start"; cat "$out/s3.log"; }
# s3rver accepts the fixed credentials S3RVER/S3RVER. Without these variables the S3 tests fail, never skip.
export CAIRN_TEST_S3_ENDPOINT="http://127.0.0.1:$s3_port" CAIRN_TEST_S3_BUCKET=cairn-test
export CAIRN_TEST_S3_ACCESS_KEY=S3RVER CAIRN_TEST_S3_SECRET_KEY=S3RVER

echo "== .NET tests"
for project in tests/*/*.Tests.csproj; do
  name=$(basename "$project" .csproj)
  dotnet test "$project" -c Release --no-build --nologo --logger "trx;LogFileName=$name.trx" --results-directory "$out/trx"
done
counts=$(python3 - "$out/trx" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
passed = failed = 0
for f in glob.glob(sys.argv[1] + "/*.trx"):
    c = ET.parse(f).getroot().find("t:ResultSummary/t:Counters", ns)
    passed += int(c.get("passed"))
    failed += int(c.get("failed")) + int(c.get("error")) + int(c.get("timeout")) + int(c.get("aborted"))
print(passed, failed)
PY
)
read -r p f <<<"$counts"
expected_projects=$(ls tests/*/*.Tests.csproj | wc -l)
found_reports=$(ls "$out"/trx/*.trx 2>/dev/null | wc -l)
if [ "$found_reports" -lt "$expected_projects" ]; then
  echo "only $found_reports of $expected_projects test projects reported results"
  f=$((f + 1))
fi
passed=$((passed + p)); failed=$((failed + f))

echo "== npm mlflow client against cairn server"
port=$(free_port)
dotnet artifacts/bin/Cairn.Cli/release/cairn.dll server --host 127.0.0.1 --port "$port" \
  --backend-store-uri "sqlite:///$out/js/cairn.db" --artifacts-destination "$out/js/artifacts" >"$out/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do
  curl -sf "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break
  sleep 0.1
done
CAIRN_URL="http://127.0.0.1:$port" node --test --test-reporter=tap tests/js-client/ >"$out/js.tap" 2>&1
js_status=$?
tail -n 12 "$out/js.tap"
jp=$(grep -E '^# pass ' "$out/js.tap" | awk '{print $3}')
jf=$(grep -E '^# fail ' "$out/js.tap" | awk '{print $3}')
if [ -z "$jp" ] || { [ "$js_status" -ne 0 ] && [ "${jf:-0}" -eq 0 ]; }; then
  echo "npm client tests did not run"; cat "$out/server.log"; jf=$(( ${jf:-0} + 1 ))
fi
passed=$((passed + ${jp:-0})); failed=$((failed + ${jf:-0}))

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
