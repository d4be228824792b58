-- POST /api/2.0/mlflow/runs/search: one page of 1000 runs, no filter, default
-- order (start_time DESC, run_id). BENCH_EXPERIMENT_ID names the experiment.

local common = dofile((os.getenv("BENCH_WRK_DIR") or "bench/wrk") .. "/common.lua")
setup = common.setup
done = common.done
response = common.response

wrk.method = "POST"
wrk.path = "/api/2.0/mlflow/runs/search"
wrk.headers["Content-Type"] = "application/json"
wrk.body = string.format('{"experiment_ids":["%s"],"max_results":1000}',
  common.require_env("BENCH_EXPERIMENT_ID"))
