-- One-row MLflow scoring request: {"inputs": [[30 features]]} to /invocations.
-- The 30 values are fixed per thread (seeded), so every request costs the same.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"

local function row()
  local values = {}
  for i = 1, 30 do values[i] = string.format("%.4f", math.random() * 2 - 1) end
  return table.concat(values, ",")
end

math.randomseed(7)
wrk.body = '{"inputs": [[' .. row() .. ']]}'
