#!/usr/bin/env bash
# HTTP benchmark of the Cairn tracking server (SQLite or PostgreSQL backend), measured with wrk.
#
#   bench/run.sh
#
# Builds the CLI in Release, starts `cairn server` on a fresh temporary folder
# and a free port, seeds data with bench/seed.py, runs five wrk workloads (each
# after a short warm-up), stops the server and prints a results table. Results
# and raw wrk output go to bench/out/<timestamp>/ (report.md there, and a copy
# in bench/out/latest.md). See bench/RESULTS.md for what each workload does.
#
# Settings (environment variables, all optional):
#   BENCH_DURATION=10        seconds measured per workload
#   BENCH_WARMUP=3           seconds of warm-up before each workload
#   BENCH_READ_CONNECTIONS=1 connections for the three read workloads
#   BENCH_RUNS=5000          runs seeded for the search workloads
#   BENCH_HISTORY_POINTS=50000
#   BENCH_SEED_THREADS=8     concurrent requests while seeding
#   BENCH_VERIFY=1           after the write workloads, count the stored points
#                            and compare with what the server acknowledged
#   BENCH_SKIP_BUILD=1       use the existing Release build
#   BENCH_DLL=path/cairn.dll run this build of cairn instead (implies
#                            BENCH_SKIP_BUILD; for comparing two revisions)
#   BENCH_WAIT_IDLE=0        wait up to this many seconds for the machine to be
#                            idle before starting (other work skews the numbers;
#                            the report marks disturbed workloads either way)
#   BENCH_POSTGRES_URI=postgresql://user@host:port/postgres
#                            run cairn on PostgreSQL: the harness creates a fresh
#                            database on that server (psql) and drops it after
#   BENCH_SERVER_CMD='...'   benchmark another MLflow-compatible server instead:
#                            a shell command in which {port} and {dir} are
#                            replaced by the port and the fresh data folder
#   BENCH_OUT=bench/out      where results go
#   BENCH_KEEP=1             keep the temporary data folder
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$BENCH_DIR/.." && pwd)

DURATION=${BENCH_DURATION:-10}
WARMUP=${BENCH_WARMUP:-3}
READ_CONNS=${BENCH_READ_CONNECTIONS:-1}
RUNS=${BENCH_RUNS:-5000}
HISTORY_POINTS=${BENCH_HISTORY_POINTS:-50000}
SEED_THREADS=${BENCH_SEED_THREADS:-8}
VERIFY=${BENCH_VERIFY:-1}
OUT_ROOT=${BENCH_OUT:-$BENCH_DIR/out}
DLL="${BENCH_DLL:-$REPO/artifacts/bin/Cairn.Cli/release/cairn.dll}"
[ -n "${BENCH_DLL:-}" ] && BENCH_SKIP_BUILD=1

STAMP=$(date -u '+%Y%m%d-%H%M%S')
OUT="$OUT_ROOT/$STAMP"
mkdir -p "$OUT"
T_START=$(date +%s)

log() { printf '[bench %s] %s\n' "$(date '+%H:%M:%S')" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# --- wrk ---------------------------------------------------------------------
ensure_wrk() {
  command -v wrk >/dev/null 2>&1 && return 0
  log "wrk not found; installing the Debian package"
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || die "wrk is missing and we are not root (install the 'wrk' package)"
    sudo="sudo"
  fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get install -y -q wrk >"$OUT/apt.log" 2>&1 \
    || { $sudo apt-get update -q >>"$OUT/apt.log" 2>&1 && $sudo apt-get install -y -q wrk >>"$OUT/apt.log" 2>&1; } \
    || die "could not install wrk (see $OUT/apt.log)"
  command -v wrk >/dev/null 2>&1 || die "wrk still not on PATH after install"
}
ensure_wrk
command -v python3 >/dev/null 2>&1 || die "python3 is required"

"$BENCH_DIR/machine-info.sh" >"$OUT/machine.md"
log "machine:"; sed 's/^/    /' "$OUT/machine.md" >&2

# --- build -------------------------------------------------------------------
# The source revision measured: HEAD when the build ran (an existing build is
# only known by its time).
source_revision() {
  local rev
  rev=$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo unknown)
  if [ -n "$(git -C "$REPO" status --porcelain -- src 2>/dev/null)" ]; then
    rev="$rev (with uncommitted changes in src/)"
  fi
  echo "$rev"
}
REVISION="n/a (BENCH_SERVER_CMD)"
if [ -z "${BENCH_SERVER_CMD:-}" ]; then
  if [ "${BENCH_SKIP_BUILD:-0}" != "1" ]; then
    log "building src/Cairn.Cli (Release)"
    if ! (cd "$REPO" && dotnet build src/Cairn.Cli -c Release -nologo) >"$OUT/build.log" 2>&1; then
      tail -n 30 "$OUT/build.log" >&2
      die "build failed (full log: $OUT/build.log)"
    fi
  fi
  [ -f "$DLL" ] || die "$DLL not found; build first"
  if [ "${BENCH_SKIP_BUILD:-0}" = "1" ]; then
    REVISION="existing build of $(date -u -r "$DLL" '+%Y-%m-%d %H:%M UTC'); the tree is now at $(source_revision)"
  else
    REVISION=$(source_revision)
  fi
fi

# --- quiet machine -------------------------------------------------------------
# With BENCH_WAIT_IDLE=N, wait up to N seconds for the machine to be idle (less
# than 10% of its CPU busy over 5 s) before starting, since other work on the
# same cores skews every number.
if [ "${BENCH_WAIT_IDLE:-0}" -gt 0 ]; then
  deadline=$(($(date +%s) + BENCH_WAIT_IDLE))
  while :; do
    busy=$(python3 - <<'PY'
import time
def snap():
    f = open("/proc/stat").readline().split()[1:9]
    v = [int(x) for x in f]
    return sum(v), v[0] + v[1] + v[2] + v[5] + v[6] + v[7]
t0, b0 = snap(); time.sleep(5); t1, b1 = snap()
print(int(100 * (b1 - b0) / max(t1 - t0, 1)))
PY
)
    [ "$busy" -lt 10 ] && { log "machine idle (${busy}% busy)"; break; }
    [ "$(date +%s)" -ge "$deadline" ] && { log "machine still ${busy}% busy after ${BENCH_WAIT_IDLE} s; going on"; break; }
    log "machine ${busy}% busy; waiting for it to be idle"
  done
fi

# --- server ------------------------------------------------------------------
DATA=$(mktemp -d "${TMPDIR:-/tmp}/cairn-bench.XXXXXX")
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
URL="http://127.0.0.1:$PORT"
SERVER_PID=""
PG_DB=""
PG_POSTMASTER=""

stop_server() {
  [ -n "$SERVER_PID" ] || return 0
  if kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do
      kill -0 "$SERVER_PID" 2>/dev/null || break
      sleep 0.2
    done
    if kill -0 "$SERVER_PID" 2>/dev/null; then
      log "server did not stop within 10 s of SIGTERM; killing it"
      kill -KILL "$SERVER_PID" 2>/dev/null || true
    fi
  fi
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
}

cleanup() {
  local rc=$?
  stop_server
  if [ -f "$DATA/server.log" ]; then
    # Keep the end of the server's output next to the results.
    tail -n 200 "$DATA/server.log" >"$OUT/server-tail.log" 2>/dev/null || true
  fi
  if [ "${BENCH_KEEP:-0}" = "1" ]; then
    log "kept data folder $DATA${PG_DB:+ and database $PG_DB}"
  else
    rm -rf "$DATA"
    [ -n "$PG_DB" ] && psql "$BENCH_POSTGRES_URI" -q -c "DROP DATABASE IF EXISTS $PG_DB" >/dev/null 2>&1
  fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ -n "${BENCH_SERVER_CMD:-}" ]; then
  SERVER_DESC=${BENCH_SERVER_CMD//\{port\}/$PORT}
  SERVER_DESC=${SERVER_DESC//\{dir\}/$DATA}
  bash -c "exec $SERVER_DESC" >"$DATA/server.log" 2>&1 &
else
  BACKEND="sqlite:///$DATA/cairn.db"
  if [ -n "${BENCH_POSTGRES_URI:-}" ]; then
    command -v psql >/dev/null 2>&1 || die "BENCH_POSTGRES_URI needs psql (Debian package postgresql-client)"
    PG_DB="cairn_bench_${STAMP//-/_}"
    psql "$BENCH_POSTGRES_URI" -q -v ON_ERROR_STOP=1 -c "CREATE DATABASE $PG_DB" >/dev/null || die "could not create database $PG_DB"
    # The same server URI with the fresh database as its path (options kept).
    PG_PORT=$(python3 -c 'import sys, urllib.parse as u; print(u.urlsplit(sys.argv[1]).port or 5432)' "$BENCH_POSTGRES_URI")
    PG_POSTMASTER=$(ss -Hltnp "sport = :$PG_PORT" 2>/dev/null | grep -o 'pid=[0-9]*' | head -n 1 | cut -d= -f2 || true)
    BACKEND=$(python3 -c 'import sys, urllib.parse as u; p = u.urlsplit(sys.argv[1]); print(u.urlunsplit(p._replace(path="/" + sys.argv[2])))' \
      "$BENCH_POSTGRES_URI" "$PG_DB")
  fi
  SERVER_DESC="cairn server --host 127.0.0.1 --port $PORT --backend-store-uri $BACKEND --artifacts-destination $DATA/artifacts"
  dotnet "$DLL" server --host 127.0.0.1 --port "$PORT" \
    --backend-store-uri "$BACKEND" \
    --artifacts-destination "$DATA/artifacts" >"$DATA/server.log" 2>&1 &
fi
SERVER_PID=$!
log "server pid $SERVER_PID on $URL, data in $DATA"

if ! python3 "$BENCH_DIR/seed.py" health --url "$URL" --timeout 60 --pid "$SERVER_PID"; then
  tail -n 30 "$DATA/server.log" >&2 || true
  die "server did not become healthy"
fi
log "server healthy after $(($(date +%s) - T_START)) s"

server_alive() {
  kill -0 "$SERVER_PID" 2>/dev/null || { tail -n 30 "$DATA/server.log" >&2 || true; die "server exited"; }
}

# --- seed --------------------------------------------------------------------
log "seeding: $RUNS runs, a $HISTORY_POINTS-point history"
if ! python3 "$BENCH_DIR/seed.py" seed --url "$URL" --runs "$RUNS" --history-points "$HISTORY_POINTS" \
    --threads "$SEED_THREADS" --out "$OUT/seed.json" 2>&1 | sed 's/^/    /' >&2; then
  die "seeding failed"
fi
server_alive

seed_field() { python3 -c 'import json,sys; v=json.load(open(sys.argv[1]))[sys.argv[2]]; print(",".join(v) if isinstance(v, list) else v)' "$OUT/seed.json" "$1"; }
export BENCH_WRK_DIR="$BENCH_DIR/wrk"
export BENCH_EXPERIMENT_ID; BENCH_EXPERIMENT_ID=$(seed_field search_experiment_id)
export BENCH_RUN_ID; BENCH_RUN_ID=$(seed_field history_run_id)
export BENCH_METRIC_KEY; BENCH_METRIC_KEY=$(seed_field history_key)
export BENCH_RUN_IDS; BENCH_RUN_IDS=$(seed_field write_run_ids)

# --- workloads ---------------------------------------------------------------
SALT=0
declare -A WRK_ARGS
HZ=$(getconf CLK_TCK 2>/dev/null || echo 100)

# Prints "total busy steal server" in clock ticks: all CPUs from /proc/stat
# (busy = user+nice+system+irq+softirq) and the server process's user+system.
# With BENCH_POSTGRES_URI on this machine, the PostgreSQL cluster counts as
# server too (it does the server's work): its postmaster (found by the port it
# listens on) with the time of its exited children, and its live children.
ticks() { # ticks PID WITH_CHILDREN: 0 when the process is gone
  { sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null || true; } | awk -v c="$2" '{t = $12 + $13 + (c ? $14 + $15 : 0)} END {print t + 0}'
}
cpu_snapshot() {
  local srv pid
  srv=$(ticks "$SERVER_PID" 0)
  if [ -n "$PG_POSTMASTER" ]; then
    srv=$((srv + $(ticks "$PG_POSTMASTER" 1)))
    for pid in $(pgrep -P "$PG_POSTMASTER" || true); do
      srv=$((srv + $(ticks "$pid" 0)))
    done
  fi
  awk -v srv="$srv" '/^cpu / {t = 0; for (i = 2; i <= 9; i++) t += $i; print t, $2 + $3 + $4 + $7 + $8, $9, srv; exit}' /proc/stat
}

# cpu_share NAME BEFORE AFTER WRK_SECONDS: how the machine's CPU was spent while
# the workload ran, so that a run disturbed by other work on the machine shows.
cpu_share() {
  python3 - "$OUT/$1.cpu.json" "$2" "$3" "$4" "$HZ" <<'PY'
import json, sys
path, before, after, wrk_s, hz = sys.argv[1], sys.argv[2].split(), sys.argv[3].split(), sys.argv[4], float(sys.argv[5])
d = [float(a) - float(b) for a, b in zip(after, before)]
total, busy, steal, server = d
try:
    wrk = sum(float(x) for x in wrk_s.split()) * hz
except ValueError:
    wrk = 0.0
pct = lambda v: round(100.0 * v / total, 1) if total > 0 else 0.0
json.dump({"server_pct": pct(server), "wrk_pct": pct(wrk), "other_pct": pct(max(busy - server - wrk, 0.0)),
           "steal_pct": pct(steal), "idle_pct": pct(max(total - busy - steal, 0.0))}, open(path, "w"))
PY
}

# run_workload NAME SCRIPT THREADS CONNECTIONS
run_workload() {
  local name=$1 script=$2 threads=$3 conns=$4
  local args=(-t "$threads" -c "$conns" --timeout 30s --latency -s "$BENCH_WRK_DIR/$script")
  WRK_ARGS[$name]="-t$threads -c$conns"
  server_alive
  if [ "$WARMUP" != "0" ]; then
    SALT=$((SALT + 1))
    BENCH_SALT=$SALT wrk "${args[@]}" -d "${WARMUP}s" "$URL" >"$OUT/$name.warmup.txt" 2>&1 \
      || die "wrk warm-up for $name failed: $(tail -n 5 "$OUT/$name.warmup.txt")"
    grep '^BENCH_RESULT ' "$OUT/$name.warmup.txt" | sed 's/^BENCH_RESULT //' >"$OUT/$name.warmup.json" || true
  fi
  SALT=$((SALT + 1))
  log "$name: wrk -t$threads -c$conns -d${DURATION}s --latency $script"
  local before after
  before=$(cpu_snapshot)
  { TIMEFORMAT='%3U %3S'; time BENCH_SALT=$SALT wrk "${args[@]}" -d "${DURATION}s" "$URL" >"$OUT/$name.txt" 2>&1; } \
    2>"$OUT/$name.wrk-cpu" || die "wrk for $name failed: $(tail -n 5 "$OUT/$name.txt")"
  after=$(cpu_snapshot)
  cpu_share "$name" "$before" "$after" "$(tail -n 1 "$OUT/$name.wrk-cpu")"
  grep '^BENCH_RESULT ' "$OUT/$name.txt" | sed 's/^BENCH_RESULT //' >"$OUT/$name.json" \
    || die "no BENCH_RESULT line in $OUT/$name.txt"
  grep -E 'Requests/sec|Latency  |Non-2xx|Socket errors|  50%|  99%' "$OUT/$name.txt" | sed 's/^/    /' >&2 || true
}

# Reads first, on the freshly seeded database; then the writes.
run_workload search_filtered search_filtered.lua 1 "$READ_CONNS"
run_workload search_page search_page.lua 1 "$READ_CONNS"
run_workload get_history get_history.lua 1 "$READ_CONNS"
run_workload log_metric log_metric.lua 2 16
run_workload log_batch log_batch.lua 2 8
server_alive

# --- verify ------------------------------------------------------------------
if [ "$VERIFY" = "1" ]; then
  log "counting stored points of the write workloads"
  acked() { # acked NAME POINTS_PER_REQUEST
    python3 - "$OUT" "$1" "$2" <<'PY'
import json, os, sys
out, name, per = sys.argv[1], sys.argv[2], int(sys.argv[3])
total = 0
for suffix in (".warmup.json", ".json"):
    p = os.path.join(out, name + suffix)
    if os.path.exists(p) and os.path.getsize(p) > 0:
        total += json.load(open(p))["ok"] * per
print(total)
PY
  }
  lm_stored=$(python3 "$BENCH_DIR/seed.py" count --seed-file "$OUT/seed.json" --keys loss,accuracy,lr,grad_norm) \
    || die "counting log-metric points failed"
  lb_stored=$(python3 "$BENCH_DIR/seed.py" count --seed-file "$OUT/seed.json" --keys b0,b1,b2,b3,b4,b5,b6,b7,b8,b9) \
    || die "counting log-batch points failed"
  lm_acked=$(acked log_metric 1)
  lb_acked=$(acked log_batch 1000)
  printf '{"log_metric":{"stored":%s,"acknowledged":%s},"log_batch":{"stored":%s,"acknowledged":%s}}\n' \
    "$lm_stored" "$lm_acked" "$lb_stored" "$lb_acked" >"$OUT/verify.json"
  log "log-metric: $lm_stored stored / $lm_acked acknowledged; log-batch: $lb_stored stored / $lb_acked acknowledged"
fi

stop_server
# --- report ------------------------------------------------------------------
REVISION="$REVISION" STAMP="$STAMP" SERVER_DESC="$SERVER_DESC" DURATION="$DURATION" WARMUP="$WARMUP" DATA="$DATA" \
WRK_SEARCH_FILTERED="${WRK_ARGS[search_filtered]}" WRK_SEARCH_PAGE="${WRK_ARGS[search_page]}" \
WRK_GET_HISTORY="${WRK_ARGS[get_history]}" WRK_LOG_METRIC="${WRK_ARGS[log_metric]}" \
WRK_LOG_BATCH="${WRK_ARGS[log_batch]}" python3 - "$OUT/settings.json" <<'PY'
import glob, json, os, sys
e = os.environ
size = lambda p: os.path.getsize(p) if os.path.exists(p) else 0
json.dump({
    "started": e["STAMP"] + " UTC",
    "server": e["SERVER_DESC"],
    "revision": e["REVISION"],
    "duration": e["DURATION"],
    "warmup": e["WARMUP"],
    "wrk": {k: e["WRK_" + k.upper()] for k in
            ("search_filtered", "search_page", "get_history", "log_metric", "log_batch")},
    "server_log_bytes": size(os.path.join(e["DATA"], "server.log")),
    "db_bytes": sum(size(p) for p in glob.glob(os.path.join(e["DATA"], "*.db*"))),
}, open(sys.argv[1], "w"), indent=1)
PY
python3 "$BENCH_DIR/report.py" "$OUT" >"$OUT/report.md"
{
  echo
  echo "Total harness time $(($(date +%s) - T_START)) s; raw wrk output in \`${OUT#"$REPO"/}/\`."
} >>"$OUT/report.md"
cp "$OUT/report.md" "$OUT_ROOT/latest.md"
echo
cat "$OUT/report.md"
