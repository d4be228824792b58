#!/usr/bin/env bash
# Uploads one large artifact (1 GiB by default) through `cairn server` into an S3-protocol server (s3rver from
# tests/s3-server, on loopback) and reports the time and the server's memory: its peak resident set during the upload
# (VmHWM, reset just before the upload through /proc/PID/clear_refs) against the 300 MB target.
#
#   bench/s3/upload.sh
#
# Settings (environment variables, all optional):
#   BENCH_UPLOAD_MIB=1024   size of the artifact in MiB
#   BENCH_DLL=path          the cairn.dll to run (default: the Release build, built if missing)
#   BENCH_POSTGRES_URI=...  metadata on this PostgreSQL database instead of a temporary SQLite file
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
REPO=$(cd "$BENCH_DIR/.." && pwd)
MIB=${BENCH_UPLOAD_MIB:-1024}
DLL=${BENCH_DLL:-$REPO/artifacts/bin/Cairn.Cli/release/cairn.dll}
work=$(mktemp -d -t cairn-s3-bench.XXXXXX)
s3_pid=""
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null
  [ -n "$s3_pid" ] && kill "$s3_pid" 2>/dev/null
  wait 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
log() { printf '[s3 bench %s] %s\n' "$(date '+%H:%M:%S')" "$*" >&2; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }
status_kb() { awk -v k="$2:" '$1 == k {print $2}' "/proc/$1/status"; }

[ -f "$DLL" ] || dotnet build "$REPO/src/Cairn.Cli" -c Release --nologo -v quiet
[ -d "$REPO/tests/s3-server/node_modules" ] || (cd "$REPO/tests/s3-server" && npm ci --no-audit --no-fund --loglevel=error)

s3_port=$(free_port)
mkdir -p "$work/s3"
node "$REPO/tests/s3-server/server.js" "$s3_port" "$work/s3" bench >"$work/s3.log" 2>&1 &
s3_pid=$!
for _ in $(seq 1 100); do curl -s "http://127.0.0.1:$s3_port/" >/dev/null 2>&1 && break; sleep 0.1; done

port=$(free_port)
store=${BENCH_POSTGRES_URI:-sqlite:///$work/cairn.db}
MLFLOW_S3_ENDPOINT_URL="http://127.0.0.1:$s3_port" AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER AWS_DEFAULT_REGION=us-east-1 \
  dotnet "$DLL" server --host 127.0.0.1 --port "$port" --backend-store-uri "$store" --artifacts-destination s3://bench/artifacts \
  >"$work/server.log" 2>&1 &
server_pid=$!
url="http://127.0.0.1:$port"
for _ in $(seq 1 600); do curl -sf "$url/health" >/dev/null 2>&1 && break; sleep 0.1; done
curl -sf "$url/health" >/dev/null || { cat "$work/server.log"; exit 1; }

api="$url/api/2.0/mlflow"
experiment=$(curl -sf -X POST "$api/experiments/create" -H 'Content-Type: application/json' -d "{\"name\":\"upload-$(date +%s%N)\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["experiment_id"])')
run=$(curl -sf -X POST "$api/runs/create" -H 'Content-Type: application/json' -d "{\"experiment_id\":\"$experiment\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["run"]["info"]["run_id"])')

log "writing a ${MIB} MiB file"
head -c "$((MIB * 1024 * 1024))" /dev/urandom >"$work/artifact.bin"
rss_idle=$(status_kb "$server_pid" VmRSS)
echo 5 >"/proc/$server_pid/clear_refs" 2>/dev/null || log "cannot reset the peak RSS (not root?): VmHWM includes start-up"
cpu_before=$(awk '{print $14 + $15}' "/proc/$server_pid/stat")
log "uploading through $url (server pid $server_pid, RSS $((rss_idle / 1024)) MB)"
start=$(date +%s.%N)
code=$(curl -s -o "$work/upload.out" -w '%{http_code}' -X PUT -T "$work/artifact.bin" -H 'Content-Type: application/octet-stream' \
  "$url/api/2.0/mlflow-artifacts/artifacts/$experiment/$run/artifacts/big.bin")
end=$(date +%s.%N)
peak=$(status_kb "$server_pid" VmHWM)
cpu_after=$(awk '{print $14 + $15}' "/proc/$server_pid/stat")
[ "$code" = 200 ] || { log "upload answered $code: $(cat "$work/upload.out")"; exit 1; }

stored=$(curl -sf "$api/artifacts/list?run_id=$run" | python3 -c 'import json,sys; print(sum(int(f.get("file_size", 0)) for f in json.load(sys.stdin).get("files", []) if f["path"] == "big.bin"))')
[ "$stored" = "$((MIB * 1024 * 1024))" ] || { log "stored size $stored differs from the upload"; exit 1; }
python3 - "$MIB" "$start" "$end" "$rss_idle" "$peak" "$cpu_before" "$cpu_after" "$(getconf CLK_TCK)" "$(cut -d' ' -f1-3 /proc/loadavg)" <<'PY'
import sys
mib, start, end, idle, peak, c0, c1, tck, load = sys.argv[1:]
seconds = float(end) - float(start)
peak_mb = int(peak) / 1024
print(f"| {mib} MiB | {seconds:.1f} s | {int(mib) / seconds:.0f} MiB/s | {int(idle) / 1024:.0f} MB | {peak_mb:.0f} MB "
      f"| {(int(c1) - int(c0)) / int(tck):.1f} s | {load} | {'met' if peak_mb < 300 else 'NOT met'} |")
PY
