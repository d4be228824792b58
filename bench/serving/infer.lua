-- One-row Open Inference Protocol request to /v2/models/{name}/infer (path set by the caller with wrk's URL).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"

local function row()
  local values = {}
  for i = 1, 30 do values[i] = string.format("%.4f", math.random() * 2 - 1) end
  return table.concat(values, ",")
end

math.randomseed(7)
wrk.body = '{"inputs": [{"name": "float_input", "shape": [1, 30], "datatype": "FP32", "data": [' .. row() .. ']}]}'
