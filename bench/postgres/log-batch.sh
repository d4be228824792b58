#!/usr/bin/env bash
# log-batch on PostgreSQL (issue 4: ≥ 150,000 metrics/s with 1,000 metrics per request on 8 connections).
#
#   bench/postgres/log-batch.sh                       # a throwaway cluster with default settings
#   BENCH_POSTGRES_URI=postgresql://postgres@127.0.0.1:PORT/postgres bench/postgres/log-batch.sh
#
# Creates a fresh database, starts `cairn server` on it, creates 32 runs through the API, then runs
# bench/wrk/log_batch.lua (100 steps × 10 keys per request) with wrk -t2 -c8 and reports metrics/s, the latency, and
# the CPU time per request of the server and of PostgreSQL (the figures to compare on a busy machine), then checks that
# every acknowledged point is stored. Settings: BENCH_DURATION=20, BENCH_WARMUP=5, BENCH_REPEAT=1 (measured runs),
# BENCH_DLL=path/cairn.dll (default: the Release build, built when missing).
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
REPO=$(cd "$BENCH_DIR/.." && pwd)
DURATION=${BENCH_DURATION:-20}
WARMUP=${BENCH_WARMUP:-5}
REPEAT=${BENCH_REPEAT:-1}
DLL=${BENCH_DLL:-$REPO/artifacts/bin/Cairn.Cli/release/cairn.dll}
HZ=$(getconf CLK_TCK)
# shellcheck source=cluster.sh
source "$BENCH_DIR/postgres/cluster.sh"
work=$(mktemp -d -t cairn-pg-logbatch.XXXXXX)
database=""
server_pid=""
trap stop_bench_server EXIT
log() { printf '[log-batch bench %s] %s\n' "$(date '+%H:%M:%S')" "$*" >&2; }

[ -f "$DLL" ] || dotnet build "$REPO/src/Cairn.Cli" -c Release --nologo -v quiet
start_bench_cluster
start_bench_server cairn_logbatch
export BENCH_RUN_IDS; BENCH_RUN_IDS=$(python3 - "$url" <<'PY'
import json, sys, urllib.request
def call(path, body):
    request = urllib.request.Request(sys.argv[1] + "/api/2.0/mlflow/" + path, json.dumps(body).encode(), {"Content-Type": "application/json"})
    return json.load(urllib.request.urlopen(request))
experiment = call("experiments/create", {"name": "log-batch-bench"})["experiment_id"]
print(",".join(call("runs/create", {"experiment_id": experiment, "start_time": i})["run"]["info"]["run_id"] for i in range(32)))
PY
)
export BENCH_WRK_DIR="$BENCH_DIR/wrk"
log "server on $url, PostgreSQL $BENCH_POSTGRES_URI (postmaster ${PG_POSTMASTER:-unknown}), 32 runs"

acknowledged=0
salt=0
wrk_run() { # wrk_run SECONDS OUTPUT
  salt=$((salt + 1))
  BENCH_SALT=$salt wrk -t2 -c8 -d"$1s" --timeout 30s --latency -s "$BENCH_DIR/wrk/log_batch.lua" "$url" >"$2"
  local ok
  ok=$(sed -n 's/^BENCH_RESULT //p' "$2" | python3 -c 'import json,sys; print(json.load(sys.stdin)["ok"])')
  acknowledged=$((acknowledged + ok * 1000))
}
busy_ticks() { awk '/^cpu /{print $2+$3+$4+$7+$8, $2+$3+$4+$5+$6+$7+$8+$9}' /proc/stat; }

wrk_run "$WARMUP" "$work/warmup.txt"
for n in $(seq 1 "$REPEAT"); do
  read -r busy0 total0 < <(busy_ticks); srv0=$(cpu_ticks "$server_pid"); pg0=$(postgres_ticks)
  load0=$(cut -d' ' -f1 /proc/loadavg)
  wrk_run "$DURATION" "$work/run$n.txt"
  read -r busy1 total1 < <(busy_ticks); srv1=$(cpu_ticks "$server_pid"); pg1=$(postgres_ticks)
  python3 - "$work/run$n.txt" "$HZ" "$((srv1 - srv0))" "$((pg1 - pg0))" "$((busy1 - busy0))" "$((total1 - total0))" "$load0 $(cut -d' ' -f1 /proc/loadavg)" <<'PY'
import json, re, sys
path, hz, srv, pg, busy, total, load = sys.argv[1], float(sys.argv[2]), *map(float, sys.argv[3:7]), sys.argv[7]
text = open(path).read()
result = json.loads(re.search(r"^BENCH_RESULT (.*)$", text, re.M).group(1))
latency = {p: f"{result[f'p{p}_us'] / 1000:.1f} ms" for p in ("50", "99")}
seconds = result["duration_us"] / 1e6
ok = result["ok"]
per = lambda ticks: 1000.0 * ticks / hz / ok if ok else float("nan")
other = max(busy - srv - pg, 0) / total * 100 if total else 0
print(f"log-batch: {ok * 1000 / seconds:,.0f} metrics/s ({ok / seconds:.1f} req/s, {result['http_errors']} errors), "
      f"p50 {latency.get('50')}, p99 {latency.get('99')}")
print(f"CPU per 1,000-point request: server {per(srv):.2f} ms, PostgreSQL {per(pg):.2f} ms, together {per(srv + pg):.2f} ms; "
      f"server + PostgreSQL {100 * (srv + pg) / total:.0f} % of the machine, everything else (wrk included) {other:.0f} %; load average {load}")
PY
done

stored=$(psql "$database_uri" -tAc "SELECT COUNT(*) FROM metrics")
log "points stored: $stored, acknowledged: $acknowledged"
[ "$stored" -ge "$acknowledged" ] || { log "fewer points stored than acknowledged"; exit 1; }
