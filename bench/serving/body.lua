-- POSTs a request body read once from $BENCH_BODY (built by make_bodies.py). When $BENCH_BODY.len exists, the body is
-- a JSON header followed by binary tensor data, and its length goes in the Inference-Header-Content-Length header.
wrk.method = "POST"
local path = os.getenv("BENCH_BODY")
local file = assert(io.open(path, "rb"))
wrk.body = file:read("*a")
file:close()
local length = io.open(path .. ".len", "r")
if length then
  wrk.headers["Content-Type"] = "application/octet-stream"
  wrk.headers["Inference-Header-Content-Length"] = length:read("*a")
  length:close()
else
  wrk.headers["Content-Type"] = "application/json"
end
