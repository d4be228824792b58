-- POST /api/2.0/mlflow/runs/log-metric, one metric point per request.
--
-- Requests are spread round-robin over the runs in BENCH_RUN_IDS (comma
-- separated) and over four metric keys. Each thread counts its requests; the
-- step grows with that counter (starting past the steps of earlier wrk
-- invocations, BENCH_SALT), threads use different timestamps and the value is
-- random, so every request inserts a new row (no exact duplicates).

local common = dofile((os.getenv("BENCH_WRK_DIR") or "bench/wrk") .. "/common.lua")
setup = common.setup
done = common.done
response = common.response

local runs
local nruns
local counter = 0
local ts_base
local step_base
local keys = { "loss", "accuracy", "lr", "grad_norm" }

function init(args)
  runs = common.list_env("BENCH_RUN_IDS")
  nruns = #runs
  common.seed_random(tid)
  -- Threads start from different run offsets so they don't move in lockstep.
  counter = (tid or 0) * 7
  ts_base = os.time() * 1000 + (tid or 0)
  step_base = (tonumber(os.getenv("BENCH_SALT") or "0") or 0) * 1000000000
  wrk.method = "POST"
  wrk.path = "/api/2.0/mlflow/runs/log-metric"
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  counter = counter + 1
  local body = string.format(
    '{"run_id":"%s","key":"%s","value":%.9f,"timestamp":%d,"step":%d}',
    runs[(counter % nruns) + 1], keys[(counter % 4) + 1],
    math.random(), ts_base + counter, step_base + counter)
  return wrk.format(nil, nil, nil, body)
end
