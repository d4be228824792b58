#!/usr/bin/env bash
# Filtered and ordered run search over many runs on PostgreSQL (issue 4: ≤ 50 ms p50 over 100,000 runs).
#
#   bench/postgres/search.sh                          # a throwaway cluster with default settings
#   BENCH_POSTGRES_URI=postgresql://postgres@127.0.0.1:PORT/postgres bench/postgres/search.sh
#
# Creates a fresh database on that server (or on a throwaway cluster, see cluster.sh), starts `cairn server` on it (which migrates it), creates an experiment
# through the API, adds BENCH_RUNS runs with seed-runs.sql, checks that the server's answer is the expected first
# 100 matches in order, then measures the search of bench/wrk/search_filtered.lua with wrk (one connection) and
# drops the database; it also prints the plan PostgreSQL chose for the main query (the same SQL the server sends for
# the first stretch of a sort by one metric). Settings: BENCH_RUNS=100000, BENCH_DURATION=20, BENCH_WARMUP=3, BENCH_DLL=path/cairn.dll.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
REPO=$(cd "$BENCH_DIR/.." && pwd)
RUNS=${BENCH_RUNS:-100000}
DURATION=${BENCH_DURATION:-20}
WARMUP=${BENCH_WARMUP:-3}
DLL=${BENCH_DLL:-$REPO/artifacts/bin/Cairn.Cli/release/cairn.dll}
# shellcheck source=cluster.sh
source "$BENCH_DIR/postgres/cluster.sh"
work=$(mktemp -d -t cairn-pg-search.XXXXXX)
database=""
server_pid=""
trap stop_bench_server EXIT
log() { printf '[search bench %s] %s\n' "$(date '+%H:%M:%S')" "$*" >&2; }

[ -f "$DLL" ] || dotnet build "$REPO/src/Cairn.Cli" -c Release --nologo -v quiet
start_bench_cluster
start_bench_server cairn_search
experiment=$(curl -sf -X POST "$url/api/2.0/mlflow/experiments/create" -H 'Content-Type: application/json' -d '{"name":"search-bench"}' \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["experiment_id"])')

log "seeding $RUNS runs into experiment $experiment"
seed_start=$(date +%s)
psql "$database_uri" -q -v runs="$RUNS" -v experiment="$experiment" -v expected="$work/expected.txt" -f "$BENCH_DIR/postgres/seed-runs.sql" >/dev/null
log "seeded in $(( $(date +%s) - seed_start )) s"

body="{\"experiment_ids\":[\"$experiment\"],\"filter\":\"metrics.m1 > 0.5 and params.p1 = 'a'\",\"order_by\":[\"metrics.m2 DESC\"],\"max_results\":100,\"run_view_type\":\"ACTIVE_ONLY\"}"
curl -sf -X POST "$url/api/2.0/mlflow/runs/search" -H 'Content-Type: application/json' -d "$body" \
  | python3 -c 'import json,sys; [print(r["info"]["run_id"]) for r in json.load(sys.stdin)["runs"]]' >"$work/answer.txt"
grep -v '^\s*$' "$work/expected.txt" | sed 's/^ *//' >"$work/expected.clean"
if ! diff -q "$work/expected.clean" "$work/answer.txt" >/dev/null; then
  log "the server's answer differs from the expected first 100 matches"; diff "$work/expected.clean" "$work/answer.txt" | head >&2; exit 1
fi
log "answer checked: the expected 100 runs in order"

export BENCH_EXPERIMENT_ID="$experiment" BENCH_WRK_DIR="$BENCH_DIR/wrk"
wrk -t1 -c1 -d"${WARMUP}s" -s "$BENCH_DIR/wrk/search_filtered.lua" "$url" >/dev/null
cpu0=$(awk '/^cpu /{print $2+$3+$4+$5+$6+$7+$8+$9}' /proc/stat); idle0=$(awk '/^cpu /{print $5+$6}' /proc/stat)
srv0=$(cpu_ticks "$server_pid"); pg0=$(postgres_ticks)
log "measuring ${DURATION} s, load average $(cut -d' ' -f1-3 /proc/loadavg)"
wrk -t1 -c1 -d"${DURATION}s" --latency -s "$BENCH_DIR/wrk/search_filtered.lua" "$url" | tee "$work/wrk.txt" | grep -E 'Latency|50%|90%|99%|Requests/sec|Non-2xx'
cpu1=$(awk '/^cpu /{print $2+$3+$4+$5+$6+$7+$8+$9}' /proc/stat); idle1=$(awk '/^cpu /{print $5+$6}' /proc/stat)
srv1=$(cpu_ticks "$server_pid"); pg1=$(postgres_ticks)
requests=$(sed -n 's/^BENCH_RESULT //p' "$work/wrk.txt" | python3 -c 'import json,sys; print(json.load(sys.stdin)["ok"])')
hz=$(getconf CLK_TCK)
echo "CPU per search: server $(( (srv1 - srv0) * 1000000 / hz / requests )) µs, PostgreSQL $(( (pg1 - pg0) * 1000000 / hz / requests )) µs ($requests requests)"
echo "machine busy during the measurement: $(( 100 * ((cpu1 - cpu0) - (idle1 - idle0)) / (cpu1 - cpu0) )) % of both cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"

log "plan of the main query (filter, then the first 101 runs by m2 descending):"
psql "$database_uri" -v experiment="$experiment" <<'SQL' | grep -E 'Limit|Sort|Scan|Loop|Join|Memoize|Execution|Planning Time|Buffers: shared' | head -24 >&2
EXPLAIN (ANALYZE, BUFFERS)
SELECT l.run_key, r.run_uuid, l.value, r.start_time FROM latest_metrics l JOIN runs r ON r.run_key = l.run_key
WHERE r.lifecycle_stage = 'active'
AND EXISTS (SELECT 1 FROM latest_metrics m WHERE m.run_key = r.run_key AND m.key = 'm1' AND m.is_nan = 0 AND m.value > 0.5)
AND EXISTS (SELECT 1 FROM params x WHERE x.run_key = r.run_key AND x.key = 'p1' AND x.value = 'a')
AND l.experiment_id = :experiment AND l.key = 'm2' AND l.is_nan = 0
ORDER BY l.value DESC, r.start_time DESC NULLS LAST, r.run_uuid ASC LIMIT 101;
SQL
