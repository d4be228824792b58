-- Shared helpers for the wrk scripts in this folder.
--
-- Every script loads this file through BENCH_WRK_DIR (set by bench/run.sh), so
-- all workloads report the same way: one line starting with "BENCH_RESULT "
-- followed by a JSON object, printed by done() after wrk's own summary.
--
-- Environment read here:
--   BENCH_SALT   a number that differs between wrk invocations; it seeds the
--                per-thread random generator so that a warm-up and the measured
--                run never send the same metric points.

local common = {}

local threads = {}
local next_id = 0

-- Called once per thread in the main Lua state before the threads start.
function common.setup(thread)
  thread:set("tid", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function common.seed_random(tid)
  local salt = tonumber(os.getenv("BENCH_SALT") or "0") or 0
  math.randomseed(os.time() + (tid or 0) * 7919 + salt * 104729)
  -- LuaJIT's first draws after seeding are poorly mixed; discard a few.
  for _ = 1, 5 do math.random() end
end

-- Keeps the first error answer (status >= 400) of each thread (global, so done() can read it
-- through thread:get).
function common.response(status, headers, body)
  if status > 399 and first_error == nil then
    first_error = tostring(status) .. " " .. string.sub(body or "", 1, 400)
  end
end

local function json_string(s)
  s = string.gsub(s, '[%c"\\]', function(c)
    if c == '"' then return '\\"' end
    if c == '\\' then return '\\\\' end
    return string.format("\\u%04x", string.byte(c))
  end)
  return '"' .. s .. '"'
end

function common.done(summary, latency, requests)
  local err = nil
  for _, t in ipairs(threads) do
    local e = t:get("first_error")
    if e ~= nil and err == nil then err = e end
  end
  local e = summary.errors
  local socket_errors = e.connect + e.read + e.write + e.timeout
  local fields = {
    '"requests":' .. summary.requests,
    '"ok":' .. (summary.requests - e.status),
    '"http_errors":' .. e.status,
    '"socket_errors":' .. socket_errors,
    '"timeouts":' .. e.timeout,
    '"duration_us":' .. summary.duration,
    '"bytes":' .. summary.bytes,
    '"mean_us":' .. string.format("%.1f", latency.mean),
    '"p50_us":' .. latency:percentile(50),
    '"p90_us":' .. latency:percentile(90),
    '"p99_us":' .. latency:percentile(99),
    '"max_us":' .. latency.max,
  }
  if err ~= nil then
    table.insert(fields, '"first_error":' .. json_string(err))
  end
  io.write("BENCH_RESULT {" .. table.concat(fields, ",") .. "}\n")
end

-- Splits a comma-separated environment variable into a list.
function common.list_env(name)
  local v = os.getenv(name)
  if v == nil or v == "" then
    error(name .. " is not set")
  end
  local out = {}
  for item in string.gmatch(v, "[^,]+") do table.insert(out, item) end
  return out
end

function common.require_env(name)
  local v = os.getenv(name)
  if v == nil or v == "" then error(name .. " is not set") end
  return v
end

return common
