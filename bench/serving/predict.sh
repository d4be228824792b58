#!/usr/bin/env bash
# Benchmark of `cairn predict` (batch prediction): a 1,000,000-row CSV of 30 float features scored by
#   lr        a 30-feature logistic regression (ONNX, the layout Python MLflow writes), CSV out
#   fasttree  a 100-tree FastTree binary classifier trained by `cairn train`, loaded from the registry, CSV out
#   fasttree-parquet  the same model, Parquet out
# Each is timed end to end (process start, model load, read, predict, write), best of BENCH_REPEAT runs.
#
#   bench/serving/predict.sh
#
# Settings: BENCH_ROWS=1000000, BENCH_REPEAT=3, BENCH_SKIP_BUILD=1 (use the existing Release build),
# BENCH_OUT=bench/out (results go to $BENCH_OUT/predict-<UTC stamp>/report.md).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
ROWS=${BENCH_ROWS:-1000000}
REPEAT=${BENCH_REPEAT:-3}
OUT="${BENCH_OUT:-$REPO/bench/out}/predict-$(date -u '+%Y%m%d-%H%M%S')"
DLL="$REPO/artifacts/bin/Cairn.Cli/release/cairn.dll"
mkdir -p "$OUT"
WORK=$(mktemp -d -t cairn-predict-bench.XXXXXX)
SERVER_PID=""
cleanup() { [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
log() { printf '[bench %s] %s\n' "$(date '+%H:%M:%S')" "$*" >&2; }

PYTHON=python3
"$PYTHON" -c 'import onnx, numpy' 2>/dev/null || PYTHON=/usr/bin/python3
"$PYTHON" -c 'import onnx, numpy' || { log "needs python3 with onnx and numpy (apt-get install python3-onnx)"; exit 1; }

"$REPO/bench/machine-info.sh" >"$OUT/machine.md"
if [ -z "${BENCH_SKIP_BUILD:-}" ]; then
  log "building the CLI (Release)"
  dotnet build "$REPO/src/Cairn.Cli" -c Release --nologo -v quiet >"$OUT/build.log" 2>&1 || { cat "$OUT/build.log"; exit 1; }
fi

log "writing $ROWS rows"
"$PYTHON" - "$WORK" "$ROWS" <<'PY'
import sys, numpy as np
work, rows = sys.argv[1], int(sys.argv[2])
rng = np.random.default_rng(7)
names = [f"f{i}" for i in range(30)]
w = rng.normal(size=30)
def write(path, n, label):
    x = rng.normal(size=(n, 30)).astype(np.float32)
    cols = names + (["label"] if label else [])
    with open(path, "w") as f:
        f.write(",".join(cols) + "\n")
        data = x if not label else np.hstack([x, ((x @ w + rng.normal(size=n)) > 0).astype(np.float32)[:, None]])
        np.savetxt(f, data, delimiter=",", fmt="%.6g")
write(f"{work}/train.csv", 20000, True)
write(f"{work}/score.csv", rows, False)
PY
"$PYTHON" "$HERE/make_model.py" "$WORK/lr"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }
PORT=$(free_port)
dotnet "$DLL" server --port "$PORT" --backend-store-uri "sqlite:///$WORK/cairn.db" --artifacts-destination "$WORK/artifacts" >"$OUT/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 300); do curl -sf "http://127.0.0.1:$PORT/health" >/dev/null 2>&1 && break; sleep 0.1; done
export MLFLOW_TRACKING_URI="http://127.0.0.1:$PORT"

cat >"$WORK/fasttree.yaml" <<YAML
experiment: predict-bench
task: binary
data: {path: train.csv, label: label}
split: {validation_fraction: 0.2, seed: 1}
trainer:
  name: fasttree
  hyperparameters: {number_of_trees: 100, number_of_leaves: 20}
plots: false
feature_importance: false
register_as: bench-fasttree
YAML
log "training the 100-tree FastTree model"
dotnet "$DLL" train -f "$WORK/fasttree.yaml" >"$OUT/train.log" 2>&1 || { cat "$OUT/train.log"; exit 1; }

# measure NAME MODEL OUTPUT-FILE: best wall time of REPEAT runs, with that run's CPU time (user + system), which
# other work on the machine inflates far less than wall time.
measure() {
  local name=$1 model=$2 output=$3 best="" best_cpu="" seconds cpu
  for _ in $(seq 1 "$REPEAT"); do
    /usr/bin/time -f '%e %U %S' -o "$OUT/$name.time" dotnet "$DLL" predict -m "$model" -i "$WORK/score.csv" -o "$WORK/$output" >"$OUT/$name.log" 2>&1 \
      || { cat "$OUT/$name.log"; exit 1; }
    read -r seconds user system <"$OUT/$name.time"
    cpu=$(echo "$user + $system" | bc -l)
    if [ -z "$best" ] || [ "$(echo "$seconds < $best" | bc -l)" = 1 ]; then best=$seconds; best_cpu=$cpu; fi
  done
  printf '| %s | %s | %.2f | %.0f | %.2f |\n' "$name" "$ROWS" "$best" "$(echo "$ROWS / $best" | bc -l)" "$best_cpu" >>"$OUT/rows.md"
  log "$name: best of $REPEAT ${best}s (cpu ${best_cpu}s)"
}

: >"$OUT/rows.md"
measure lr "$WORK/lr" out-lr.csv
measure fasttree "models:/bench-fasttree/1" out-ft.csv
measure fasttree-parquet "models:/bench-fasttree/1" out-ft.parquet

{
  echo "# cairn predict: $ROWS-row CSV, 30 features"
  echo
  echo "Command: \`bench/serving/predict.sh\` ($(date -u '+%Y-%m-%d %H:%M UTC'), load before: $(cut -d' ' -f1-3 /proc/loadavg))"
  echo
  cat "$OUT/machine.md"
  echo
  echo "| model | rows | best wall time (s) | rows/s | CPU time of that run (s) |"
  echo "|---|---:|---:|---:|---:|"
  cat "$OUT/rows.md"
} >"$OUT/report.md"
cat "$OUT/report.md"
