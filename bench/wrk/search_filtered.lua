-- POST /api/2.0/mlflow/runs/search: filtered and ordered search, 100 results.
--
-- BENCH_EXPERIMENT_ID names the experiment holding the seeded runs. The body is
-- the same for every request.

local common = dofile((os.getenv("BENCH_WRK_DIR") or "bench/wrk") .. "/common.lua")
setup = common.setup
done = common.done
response = common.response

wrk.method = "POST"
wrk.path = "/api/2.0/mlflow/runs/search"
wrk.headers["Content-Type"] = "application/json"
wrk.body = string.format(
  '{"experiment_ids":["%s"],"filter":"metrics.m1 > 0.5 and params.p1 = \'a\'",'
  .. '"order_by":["metrics.m2 DESC"],"max_results":100,"run_view_type":"ACTIVE_ONLY"}',
  common.require_env("BENCH_EXPERIMENT_ID"))
