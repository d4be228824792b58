#!/usr/bin/env bash
# Benchmark of `cairn serve`: prediction requests for a 30-feature logistic regression (ONNX, in the layout Python
# MLflow writes) and a 30-feature, 100-tree FastTree model trained by `cairn train` (the mlnet flavor), driven by wrk
# (HTTP/1.1) and h2load (gRPC over HTTP/2).
#
#   bench/serving/run.sh
#
# Workloads (each a warm-up, then a measured run, `wrk --latency -t2`; gRPC with `h2load -t1 -m1`):
#   ping-16              GET /ping, 16 connections: the HTTP stack alone, for comparison on the same machine and moment
#   invocations-16       MLflow POST /invocations {"inputs": [[30 floats]]}, 16 connections
#   infer-16             OIP POST /v2/models/lr/infer, one FP32 [1, 30] input, 16 connections
#   invocations-256      as invocations-16 with 256 connections, without batching
#   rows1000-16          MLflow POST /invocations with 1,000 rows per request, JSON (rows/s = requests/s × 1000)
#   rows1000-infer-16    OIP POST /v2/models/lr/infer, FP32 [1000, 30] as JSON
#   rows1000-binary-16   the same with the binary tensor data extension (120,000 raw bytes after a JSON header; the
#                        probabilities come back as binary data too)
#   rows1000-grpc-16     OIP gRPC ModelInfer with raw_input_contents (h2load, 16 connections)
#   batched-256          as invocations-256 against a server started with --max-batch-size 64
#   ft-invocations-16    FastTree: MLflow POST /invocations {"inputs": [[30 floats]]} (one row), 16 connections
#   ft-batched-256       the same at 256 connections, server started with --max-batch-size 64
# The request bodies for the 1,000-row workloads are written once by make_bodies.py.
# Besides wrk's numbers it reports the server's CPU time per request (from /proc/<pid>/stat), which other work on
# the machine inflates less than throughput.
#
# Settings: BENCH_DURATION=20 (s measured), BENCH_WARMUP=5, BENCH_SKIP_BUILD=1 (use the existing Release build),
# BENCH_OUT=bench/out (results go to $BENCH_OUT/serving-<UTC stamp>/report.md), BENCH_WORKLOADS="ping-16 ft-invocations-16"
# (run only these workloads; all when unset).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
DURATION=${BENCH_DURATION:-20}
WARMUP=${BENCH_WARMUP:-5}
OUT="${BENCH_OUT:-$REPO/bench/out}/serving-$(date -u '+%Y%m%d-%H%M%S')"
DLL="$REPO/artifacts/bin/Cairn.Cli/release/cairn.dll"
mkdir -p "$OUT"
WORK=$(mktemp -d -t cairn-serving-bench.XXXXXX)
SERVER_PID=""
REGISTRY_PID=""
cleanup() { [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null; [ -n "$REGISTRY_PID" ] && kill "$REGISTRY_PID" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
log() { printf '[bench %s] %s\n' "$(date '+%H:%M:%S')" "$*" >&2; }

command -v wrk >/dev/null || { log "installing wrk"; DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk >/dev/null; }
command -v h2load >/dev/null || { log "installing h2load"; DEBIAN_FRONTEND=noninteractive apt-get install -y -q nghttp2-client >/dev/null; }
# The model is written with the onnx package; Debian's python3-onnx lives under the system interpreter.
PYTHON=python3
"$PYTHON" -c 'import onnx, numpy' 2>/dev/null || PYTHON=/usr/bin/python3
"$PYTHON" -c 'import onnx, numpy' || { log "needs python3 with onnx and numpy (apt-get install python3-onnx)"; exit 1; }

"$REPO/bench/machine-info.sh" >"$OUT/machine.md"
if [ -z "${BENCH_SKIP_BUILD:-}" ]; then
  log "building the CLI (Release)"
  dotnet build "$REPO/src/Cairn.Cli" -c Release --nologo -v quiet >"$OUT/build.log" 2>&1 || { cat "$OUT/build.log"; exit 1; }
fi
"$PYTHON" "$HERE/make_model.py" "$WORK/lr"
"$PYTHON" "$HERE/make_bodies.py" "$WORK/bodies" 1000

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }

# start_server MODEL [serve options]: MODEL is name=uri
start_server() {
  local model=$1
  shift
  PORT=$(free_port)
  GRPC_PORT=$(free_port)
  dotnet "$DLL" serve -m "$model" --port "$PORT" --grpc-port "$GRPC_PORT" "$@" >"$OUT/server-$PORT.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 300); do curl -sf "http://127.0.0.1:$PORT/ping" >/dev/null 2>&1 && return 0; sleep 0.1; done
  cat "$OUT/server-$PORT.log"; exit 1
}

stop_server() { kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""; }

cpu_ticks() { awk '{print $14 + $15}' "/proc/$SERVER_PID/stat"; }

# selected NAME: true when BENCH_WORKLOADS is unset or lists NAME.
selected() { [ -z "${BENCH_WORKLOADS:-}" ] || [[ " $BENCH_WORKLOADS " == *" $1 "* ]]; }

# run_grpc NAME CONNECTIONS BODY-FILE: h2load posting one framed gRPC message per request to ModelInfer.
run_grpc() {
  selected "$1" || return 0
  local name=$1 connections=$2 body=$3 url="http://127.0.0.1:$GRPC_PORT/inference.GRPCInferenceService/ModelInfer"
  local headers=(-H 'content-type: application/grpc' -H 'te: trailers')
  local load before after
  load=$(cut -d' ' -f1 /proc/loadavg)
  before=$(cpu_ticks)
  h2load -t1 -m1 -c"$connections" -D "$DURATION" --warm-up-time="$WARMUP" -d "$body" "${headers[@]}" "$url" >"$OUT/$name.txt"
  after=$(cpu_ticks)
  "$PYTHON" - "$name" "$connections" "$OUT/$name.txt" "$before" "$after" "$(getconf CLK_TCK)" "$load" "$(cut -d' ' -f1 /proc/loadavg)" >>"$OUT/rows.md" <<'PY'
import re, sys
name, connections, path, before, after, tck, load0, load1 = sys.argv[1:]
text = open(path).read()
def ms(value, unit):
    return float(value) / 1000 if unit == "us" else float(value) * 1000 if unit == "s" else float(value)
rps = float(re.search(r"finished in [\d.]+\w+, ([\d.]+) req/s", text).group(1))
done = re.search(r"requests: \d+ total, \d+ started, (\d+) done, (\d+) succeeded, (\d+) failed", text)
m = re.search(r"time for request:\s+([\d.]+)(us|ms|s)\s+([\d.]+)(us|ms|s)\s+([\d.]+)(us|ms|s)", text)
cpu_us = (float(after) - float(before)) / float(tck) / max(1, int(done.group(1))) * 1e6
print(f"| {name} | {connections} | {rps:,.0f} | mean {ms(m.group(5), m.group(6)):.2f} | | max {ms(m.group(3), m.group(4)):.2f} | {cpu_us:.1f} | {done.group(3)} | {load0} → {load1} |")
PY
  log "$(tail -n 1 "$OUT/rows.md")"
}

# run NAME CONNECTIONS SCRIPT PATH
run() {
  selected "$1" || return 0
  local name=$1 connections=$2 script=$3 path=$4
  wrk -t2 -c"$connections" -d"${WARMUP}s" -s "$HERE/$script" "http://127.0.0.1:$PORT$path" >/dev/null
  local load before after
  load=$(cut -d' ' -f1 /proc/loadavg)
  before=$(cpu_ticks)
  wrk -t2 -c"$connections" -d"${DURATION}s" --latency -s "$HERE/$script" "http://127.0.0.1:$PORT$path" >"$OUT/$name.txt"
  after=$(cpu_ticks)
  "$PYTHON" - "$name" "$connections" "$OUT/$name.txt" "$before" "$after" "$(getconf CLK_TCK)" "$load" "$(cut -d' ' -f1 /proc/loadavg)" >>"$OUT/rows.md" <<'PY'
import re, sys
name, connections, path, before, after, tck, load0, load1 = sys.argv[1:]
text = open(path).read()
def latency(p):
    m = re.search(r"^\s*%s%%\s+([\d.]+)(us|ms|s)" % p, text, re.M)
    value, unit = float(m.group(1)), m.group(2)
    return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value
requests = int(re.search(r"(\d+) requests in", text).group(1))
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
cpu_us = (float(after) - float(before)) / float(tck) / requests * 1e6
print(f"| {name} | {connections} | {rps:,.0f} | {latency(50):.2f} | {latency(90):.2f} | {latency(99):.2f} | {cpu_us:.1f} | {errors.group(1) if errors else 0} | {load0} → {load1} |")
PY
  log "$(tail -n 1 "$OUT/rows.md")"
}

echo "| workload | connections | requests/s | p50 ms | p90 ms | p99 ms | server CPU µs/request | non-2xx | load avg (1 min) |" >"$OUT/rows.md"
echo "|---|---|---|---|---|---|---|---|---|" >>"$OUT/rows.md"

start_server "lr=$WORK/lr"
curl -sf "http://127.0.0.1:$PORT/invocations" -H 'Content-Type: application/json' \
  -d "{\"inputs\": [[$(seq -s, 1 30)]]}" >"$OUT/sample.json"
# The gRPC body is checked once: a 200 with grpc-status 0 and 1,000 labels back.
curl -sf --http2-prior-knowledge -H 'content-type: application/grpc' -H 'te: trailers' --data-binary @"$WORK/bodies/rows1000-grpc.bin" \
  -D "$OUT/grpc-headers.txt" -o "$OUT/grpc-sample.bin" "http://127.0.0.1:$GRPC_PORT/inference.GRPCInferenceService/ModelInfer"
grep -qi '^grpc-status: 0' "$OUT/grpc-headers.txt" || { log "gRPC sample failed"; cat "$OUT/grpc-headers.txt"; exit 1; }
run ping-16 16 ping.lua /ping
run invocations-16 16 invocations.lua /invocations
run infer-16 16 infer.lua /v2/models/lr/infer
run invocations-256 256 invocations.lua /invocations
run rows1000-16 16 rows1000.lua /invocations
BENCH_BODY="$WORK/bodies/rows1000-infer.json" run rows1000-infer-16 16 body.lua /v2/models/lr/infer
BENCH_BODY="$WORK/bodies/rows1000-infer.bin" run rows1000-binary-16 16 body.lua /v2/models/lr/infer
run_grpc rows1000-grpc-16 16 "$WORK/bodies/rows1000-grpc.bin"
stop_server

start_server "lr=$WORK/lr" --max-batch-size 64
run batched-256 256 invocations.lua /invocations
curl -sf "http://127.0.0.1:$PORT/metrics" | grep '^cairn_serving_batch_size_\(sum\|count\)' >"$OUT/batches.txt" || true
stop_server

# The FastTree model: trained by `cairn train` against a throwaway platform server (SQLite), served from the registry.
log "training the 100-tree FastTree model"
"$PYTHON" "$HERE/make_training_data.py" "$WORK/train.csv" 20000
REGISTRY_PORT=$(free_port)
dotnet "$DLL" server --port "$REGISTRY_PORT" --backend-store-uri "sqlite:///$WORK/cairn.db" --artifacts-destination "$WORK/artifacts" >"$OUT/registry.log" 2>&1 &
REGISTRY_PID=$!
for _ in $(seq 1 300); do curl -sf "http://127.0.0.1:$REGISTRY_PORT/health" >/dev/null 2>&1 && break; sleep 0.1; done
export MLFLOW_TRACKING_URI="http://127.0.0.1:$REGISTRY_PORT"
cat >"$WORK/fasttree.yaml" <<YAML
experiment: serving-bench
task: binary
data: {path: train.csv, label: label}
split: {validation_fraction: 0.2, seed: 1}
trainer:
  name: fasttree
  hyperparameters: {number_of_trees: 100, number_of_leaves: 20}
plots: false
feature_importance: false
register_as: bench-serving-fasttree
YAML
dotnet "$DLL" train -f "$WORK/fasttree.yaml" >"$OUT/train.log" 2>&1 || { cat "$OUT/train.log"; exit 1; }

start_server "ft=models:/bench-serving-fasttree/1"
curl -sf "http://127.0.0.1:$PORT/invocations" -H 'Content-Type: application/json' \
  -d "{\"inputs\": [[$(seq -s, 1 30)]]}" >"$OUT/ft-sample.json"
run ft-invocations-16 16 invocations.lua /invocations
stop_server
start_server "ft=models:/bench-serving-fasttree/1" --max-batch-size 64
run ft-batched-256 256 invocations.lua /invocations
curl -sf "http://127.0.0.1:$PORT/metrics" | grep '^cairn_serving_batch_size_\(sum\|count\)' >"$OUT/ft-batches.txt" || true
stop_server
kill "$REGISTRY_PID"; wait "$REGISTRY_PID" 2>/dev/null || true

{
  echo "# cairn serve benchmark"
  echo
  cat "$OUT/machine.md"
  echo "- revision: $(git -C "$REPO" rev-parse --short HEAD)"
  echo "- duration: ${DURATION}s measured after ${WARMUP}s warm-up, wrk -t2"
  echo
  cat "$OUT/rows.md"
  echo
  echo "Batch sizes in batched-256: $(tr '\n' ' ' <"$OUT/batches.txt"); in ft-batched-256: $(tr '\n' ' ' <"$OUT/ft-batches.txt")"
  echo
  echo "Sample answers: LR $(cat "$OUT/sample.json"); FastTree $(cat "$OUT/ft-sample.json")"
} >"$OUT/report.md"
cat "$OUT/report.md"
