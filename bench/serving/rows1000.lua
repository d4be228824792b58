-- 1,000-row MLflow scoring request: {"inputs": [[30 features] × 1000]} to /invocations (rows/s = requests/s × 1000).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"

local function row()
  local values = {}
  for i = 1, 30 do values[i] = string.format("%.4f", math.random() * 2 - 1) end
  return "[" .. table.concat(values, ",") .. "]"
end

math.randomseed(7)
local rows = {}
for r = 1, 1000 do rows[r] = row() end
wrk.body = '{"inputs": [' .. table.concat(rows, ",") .. ']}'
