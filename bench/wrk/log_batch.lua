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
-- The whole HTTP request is one table.concat, so each request allocates a
-- single string (the load generator shares the machine with the server):
--   [1] request line and headers   [2] '{"run_id":"..","metrics":['
--   then 4 pieces per point: '{"key":"bK","value":V,"timestamp":'  TS  ',"step":'  STEP}
--   and finally ']}'
local pieces = {}
local fixed_len = 0          -- bytes of the constant point pieces
local head_before, head_after

function init(args)
  runs = common.list_env("BENCH_RUN_IDS")
  nruns = #runs
  common.seed_random(tid)
  local salt = tonumber(os.getenv("BENCH_SALT") or "0") or 0
  counter = (tid or 0) * 3
  ts_base = os.time() * 1000 + (tid or 0)
  step_base = salt * 10000000
  -- Values are drawn once per thread; (timestamp, step) already make each
  -- point unique.
  for i = 0, POINTS - 1 do
    local sep = (i == 0) and "" or ","
    local a = string.format('%s{"key":"b%d","value":%.9f,"timestamp":', sep, i % KEYS, math.random())
    pieces[3 + i * 4] = a
    pieces[5 + i * 4] = ',"step":'
    fixed_len = fixed_len + #a + 8
  end
  pieces[3 + POINTS * 4] = ']}'
  fixed_len = fixed_len + 2
  wrk.method = "POST"
  wrk.path = "/api/2.0/mlflow/runs/log-batch"
  wrk.headers["Content-Type"] = "application/json"
  -- Let wrk lay out the request line and headers once, then splice in the
  -- real Content-Length per request.
  local template = wrk.format(nil, nil, nil, "X")
  head_before, head_after = string.match(template, "^(.-)Content%-Length: 1\r\n(.*)X$")
  assert(head_before ~= nil, "unexpected request layout from wrk.format")
end

function request()
  counter = counter + 1
  local ts = tostring(ts_base + counter)
  local step0 = (step_base + counter) * STEPS
  local len = fixed_len + POINTS * #ts
  local i = 0
  for s = 0, STEPS - 1 do
    local step = (step0 + s) .. "}"
    len = len + KEYS * #step
    for _ = 1, KEYS do
      pieces[4 + i * 4] = ts
      pieces[6 + i * 4] = step
      i = i + 1
    end
  end
  local prefix = '{"run_id":"' .. runs[(counter % nruns) + 1] .. '","metrics":['
  len = len + #prefix
  pieces[1] = head_before .. "Content-Length: " .. len .. "\r\n" .. head_after
  pieces[2] = prefix
  return table.concat(pieces, "", 1, 3 + POINTS * 4)
end
