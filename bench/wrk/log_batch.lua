-- POST /api/2.0/mlflow/runs/log-batch with 1000 metric points per request.
--
-- Each request holds 100 steps of 10 keys ("b0".."b9") at one timestamp. The
-- steps continue from the previous request of the same thread and start past
-- those of earlier wrk invocations (BENCH_SALT); threads use different
-- timestamps. So every point is a new row. Requests go round-robin over the
-- runs in BENCH_RUN_IDS (comma separated).

local common = dofile((os.getenv("BENCH_WRK_DIR") or "bench/wrk") .. "/common.lua")
setup = common.setup
done = common.done
response = common.response

local POINTS = 1000
local KEYS = 10
local STEPS = POINTS / KEYS

local runs
local nruns
local counter = 0
local ts_base
local step_base
local prefix = {}   -- per point: '{"key":"bK","value":V,"timestamp":'
local parts = {}

function init(args)
  runs = common.list_env("BENCH_RUN_IDS")
  nruns = #runs
  common.seed_random(tid)
  local salt = tonumber(os.getenv("BENCH_SALT") or "0") or 0
  counter = (tid or 0) * 3
  ts_base = os.time() * 1000 + (tid or 0)
  step_base = salt * 10000000
  -- Values are drawn once per thread; (timestamp, step) already make each
  -- point unique, and building the body stays cheap for the load generator.
  for i = 0, POINTS - 1 do
    prefix[i + 1] = string.format('{"key":"b%d","value":%.9f,"timestamp":', i % KEYS, math.random())
  end
  wrk.method = "POST"
  wrk.path = "/api/2.0/mlflow/runs/log-batch"
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  counter = counter + 1
  local ts = string.format("%d", ts_base + counter)
  local step0 = (step_base + counter) * STEPS
  local n = 0
  for s = 0, STEPS - 1 do
    local tail = ts .. ',"step":' .. string.format("%d", step0 + s) .. '}'
    for k = 1, KEYS do
      n = n + 1
      parts[n] = prefix[n] .. tail
    end
  end
  local body = '{"run_id":"' .. runs[(counter % nruns) + 1] .. '","metrics":['
    .. table.concat(parts, ",", 1, POINTS) .. ']}'
  return wrk.format(nil, nil, nil, body)
end
