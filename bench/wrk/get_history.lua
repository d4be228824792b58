-- GET /api/2.0/mlflow/metrics/get-history for one key of one run.
-- BENCH_RUN_ID and BENCH_METRIC_KEY name the seeded 50,000-point history.

local common = dofile((os.getenv("BENCH_WRK_DIR") or "bench/wrk") .. "/common.lua")
setup = common.setup
done = common.done
response = common.response

wrk.method = "GET"
wrk.path = "/api/2.0/mlflow/metrics/get-history?run_id="
  .. common.require_env("BENCH_RUN_ID") .. "&metric_key="
  .. common.require_env("BENCH_METRIC_KEY")
