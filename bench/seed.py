#!/usr/bin/env python3
"""Seed and check data for the HTTP benchmark (standard library only).

Sub-commands:

  seed   create the benchmark data over the MLflow REST API and write a JSON
         file describing it (ids the wrk scripts need, expected answers);
         then check a few answers against what was sent.
  count  count the metric points stored for some runs and keys
         (used after the write workloads to confirm rows were really stored).
  health wait until GET /health answers "OK".

Data written by `seed`:
  * experiment "bench-search-...": N runs (default 5,000); each gets, in one
    log-batch, 5 params (p1..p5), 5 metrics (m1..m5) and 3 tags (t1..t3).
    p1 is one of a/b/c/d, metrics are uniform in [0, 1), so the filter
    `metrics.m1 > 0.5 and params.p1 = 'a'` matches about 1/8 of the runs.
  * experiment "bench-history-...": one run with a history of 50,000 points
    of key "loss" (steps 0..49,999), logged in batches of 1,000.
  * experiment "bench-writes-...": runs the log-metric / log-batch workloads
    write into (default 32).
Values come from a seeded generator, so two runs of the harness send the same
data.
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import http.client
import json
import os
import random
import sys
import threading
import time
import urllib.parse

FILTER = "metrics.m1 > 0.5 and params.p1 = 'a'"
ORDER_BY = ["metrics.m2 DESC"]
HISTORY_KEY = "loss"
BATCH_LIMIT = 1000


class ApiError(Exception):
    def __init__(self, method: str, path: str, status: int, body: str):
        super().__init__(f"{method} {path} -> HTTP {status}: {body[:500]}")
        self.status = status
        self.body = body


class Client:
    """One keep-alive HTTP connection per thread."""

    def __init__(self, base_url: str, timeout: float = 60.0):
        u = urllib.parse.urlsplit(base_url)
        if u.scheme != "http":
            raise SystemExit(f"only http:// URLs are supported: {base_url}")
        self.host = u.hostname or "127.0.0.1"
        self.port = u.port or 80
        self.timeout = timeout
        self._local = threading.local()

    def _conn(self) -> http.client.HTTPConnection:
        c = getattr(self._local, "conn", None)
        if c is None:
            c = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            self._local.conn = c
        return c

    def _drop(self) -> None:
        c = getattr(self._local, "conn", None)
        if c is not None:
            c.close()
        self._local.conn = None

    def request(self, method: str, path: str, body: object | None = None) -> tuple[int, bytes]:
        data = None
        headers = {}
        if body is not None:
            data = json.dumps(body, separators=(",", ":")).encode()
            headers["Content-Type"] = "application/json"
        for attempt in range(2):
            c = self._conn()
            try:
                c.request(method, path, body=data, headers=headers)
                r = c.getresponse()
                payload = r.read()
                if r.getheader("Connection", "").lower() == "close":
                    self._drop()
                return r.status, payload
            except (ConnectionError, http.client.HTTPException, OSError):
                # A keep-alive connection the server closed: reconnect once.
                self._drop()
                if attempt == 1:
                    raise
        raise AssertionError("unreachable")

    def call(self, method: str, path: str, body: object | None = None) -> dict:
        status, payload = self.request(method, path, body)
        text = payload.decode("utf-8", "replace")
        if status != 200:
            raise ApiError(method, path, status, text)
        try:
            return json.loads(text) if text.strip() else {}
        except json.JSONDecodeError as e:
            raise ApiError(method, path, status, f"invalid JSON ({e}): {text[:200]}") from e

    def post(self, rpc: str, body: dict) -> dict:
        return self.call("POST", "/api/2.0/mlflow/" + rpc, body)

    def get(self, rpc: str, query: dict) -> dict:
        return self.call("GET", "/api/2.0/mlflow/" + rpc + "?" + urllib.parse.urlencode(query))


def create_experiment(cl: Client, name: str) -> str:
    return str(cl.post("experiments/create", {"name": name})["experiment_id"])


def create_run(cl: Client, exp_id: str, name: str, start_time: int) -> str:
    r = cl.post("runs/create", {"experiment_id": exp_id, "start_time": start_time, "run_name": name})
    return r["run"]["info"]["run_id"]


def run_data(seed: int, i: int, ts: int) -> dict:
    """The params, metrics and tags of seeded run number i (deterministic)."""
    rnd = random.Random(seed * 1_000_003 + i)
    return {
        "params": [
            {"key": "p1", "value": rnd.choice("abcd")},
            {"key": "p2", "value": str(rnd.choice([0.1, 0.01, 0.001, 0.0001]))},
            {"key": "p3", "value": str(rnd.randint(1, 512))},
            {"key": "p4", "value": rnd.choice(["adam", "sgd", "rmsprop"])},
            {"key": "p5", "value": f"config-{rnd.randint(0, 99):02d}"},
        ],
        "metrics": [
            {"key": f"m{k}", "value": rnd.random(), "timestamp": ts, "step": 0} for k in range(1, 6)
        ],
        "tags": [
            {"key": "t1", "value": rnd.choice(["baseline", "candidate", "ablation"])},
            {"key": "t2", "value": f"team-{rnd.randint(1, 5)}"},
            {"key": "t3", "value": f"note {i}"},
        ],
    }


def pool_map(threads: int, fn, items) -> list:
    with cf.ThreadPoolExecutor(max_workers=threads) as ex:
        futures = [ex.submit(fn, it) for it in items]
        out = []
        for f in futures:
            out.append(f.result())  # re-raises the first failure
        return out


def seed(args: argparse.Namespace) -> int:
    cl = Client(args.url)
    t0 = time.monotonic()
    suffix = time.strftime("%Y%m%d-%H%M%S")
    base_ts = int(time.time() * 1000) - 10 * 86_400_000  # well in the past, ms

    search_exp = create_experiment(cl, f"bench-search-{suffix}")
    history_exp = create_experiment(cl, f"bench-history-{suffix}")
    writes_exp = create_experiment(cl, f"bench-writes-{suffix}")

    expected_matches: list[tuple[float, str]] = []
    lock = threading.Lock()

    def seed_run(i: int) -> str:
        ts = base_ts + i * 1000
        rid = create_run(cl, search_exp, f"run-{i:05d}", ts)
        data = run_data(args.seed, i, ts)
        cl.post("runs/log-batch", {"run_id": rid, **data})
        p1 = data["params"][0]["value"]
        m1 = data["metrics"][0]["value"]
        m2 = data["metrics"][1]["value"]
        if m1 > 0.5 and p1 == "a":
            with lock:
                expected_matches.append((m2, rid))
        return rid

    search_runs = pool_map(args.threads, seed_run, range(args.runs))
    t_runs = time.monotonic() - t0
    print(f"seeded {len(search_runs)} runs (5 params, 5 metrics, 3 tags each) in {t_runs:.1f} s "
          f"({len(search_runs) / t_runs:.0f} runs/s)", flush=True)

    t1 = time.monotonic()
    history_run = create_run(cl, history_exp, "history", base_ts)
    npoints = args.history_points

    def history_batch(start: int) -> None:
        metrics = [
            {"key": HISTORY_KEY, "value": 1.0 / (1.0 + s * 0.001), "timestamp": base_ts + s, "step": s}
            for s in range(start, min(start + BATCH_LIMIT, npoints))
        ]
        cl.post("runs/log-batch", {"run_id": history_run, "metrics": metrics})

    pool_map(args.threads, history_batch, range(0, npoints, BATCH_LIMIT))
    print(f"seeded a history of {npoints} points in {time.monotonic() - t1:.1f} s", flush=True)

    write_runs = pool_map(
        args.threads, lambda i: create_run(cl, writes_exp, f"writer-{i:03d}", base_ts + i), range(args.write_runs))

    expected_matches.sort(key=lambda t: (-t[0], t[1]))
    info = {
        "url": args.url,
        "search_experiment_id": search_exp,
        "history_experiment_id": history_exp,
        "writes_experiment_id": writes_exp,
        "runs": args.runs,
        "history_run_id": history_run,
        "history_key": HISTORY_KEY,
        "history_points": npoints,
        "write_run_ids": write_runs,
        "filter": FILTER,
        "order_by": ORDER_BY,
        "expected_filter_matches": len(expected_matches),
        "expected_top_100": [rid for _, rid in expected_matches[:100]],
        "seed_seconds": round(time.monotonic() - t0, 2),
    }
    info["checks"] = check(cl, info)
    with open(args.out, "w") as f:
        json.dump(info, f, indent=1)
    print(f"seeding done in {info['seed_seconds']:.1f} s; "
          f"{info['expected_filter_matches']} runs match the filter", flush=True)
    return 0


def check(cl: Client, info: dict) -> list[str]:
    """Compares a few answers with the data sent. Returns failure messages."""
    failures: list[str] = []

    def fail(msg: str) -> None:
        failures.append(msg)
        print(f"CHECK FAILED: {msg}", flush=True)

    exp = info["search_experiment_id"]
    try:
        r = cl.post("runs/search", {"experiment_ids": [exp], "filter": FILTER,
                                    "order_by": ORDER_BY, "max_results": 100})
        runs = r.get("runs", [])
        got = [x["info"]["run_id"] for x in runs]
        want = info["expected_top_100"]
        if got != want:
            fail(f"filtered search: got {len(got)} runs, expected {len(want)}; "
                 f"first differing position {next((i for i, (a, b) in enumerate(zip(got, want)) if a != b), min(len(got), len(want)))}")
        for x in runs[:1]:
            d = x.get("data", {})
            n_p, n_m = len(d.get("params", [])), len(d.get("metrics", []))
            n_t = len([t for t in d.get("tags", []) if not t["key"].startswith("mlflow.")])
            if (n_p, n_m, n_t) != (5, 5, 3):
                fail(f"a seeded run has {n_p} params, {n_m} metrics, {n_t} user tags (expected 5, 5, 3)")
        if info["expected_filter_matches"] > 100 and not r.get("next_page_token"):
            fail("filtered search: more than 100 matches but no next_page_token")
    except ApiError as e:
        fail(f"filtered search: {e}")

    try:
        r = cl.post("runs/search", {"experiment_ids": [exp], "max_results": 1000})
        n = len(r.get("runs", []))
        want = min(1000, info["runs"])
        if n != want:
            fail(f"page search: got {n} runs, expected {want}")
        if info["runs"] > 1000 and not r.get("next_page_token"):
            fail("page search: more runs exist but no next_page_token")
        starts = [x["info"]["start_time"] for x in r.get("runs", [])]
        if starts != sorted(starts, reverse=True):
            fail("page search: runs are not ordered by start_time DESC (the default order)")
    except ApiError as e:
        fail(f"page search: {e}")

    # Paging: following next_page_token must visit every match once, in order.
    for label, body, want_n in (
        ("filtered search paging", {"filter": FILTER, "order_by": ORDER_BY, "max_results": 100},
         info["expected_filter_matches"]),
        ("page search paging", {"max_results": 1000}, info["runs"]),
    ):
        try:
            seen: list[str] = []
            query = {"experiment_ids": [exp], **body}
            for _ in range(want_n // body["max_results"] + 3):
                r = cl.post("runs/search", query)
                seen += [x["info"]["run_id"] for x in r.get("runs", [])]
                if not r.get("next_page_token"):
                    break
                query["page_token"] = r["next_page_token"]
            if len(seen) != want_n or len(set(seen)) != want_n:
                fail(f"{label}: visited {len(seen)} runs ({len(set(seen))} distinct), expected {want_n}")
            elif label.startswith("filtered") and seen[:100] != info["expected_top_100"]:
                fail(f"{label}: first page differs from the expected order")
        except ApiError as e:
            fail(f"{label}: {e}")

    try:
        r = cl.get("metrics/get-history", {"run_id": info["history_run_id"], "metric_key": HISTORY_KEY})
        pts = r.get("metrics", [])
        if len(pts) != info["history_points"]:
            paged = " (with a next_page_token)" if r.get("next_page_token") else ""
            fail(f"get-history without max_results: got {len(pts)} points{paged}, "
                 f"expected all {info['history_points']}")
        steps = sorted(p["step"] for p in pts)
        if steps != list(range(len(steps))):
            fail("get-history: steps are not 0..N-1 exactly once each")
    except ApiError as e:
        fail(f"get-history: {e}")

    if not failures:
        print("checks: filtered search, page search, paging and history answers match the seeded data", flush=True)
    return failures


def count(args: argparse.Namespace) -> int:
    with open(args.seed_file) as f:
        info = json.load(f)
    cl = Client(info["url"])
    keys = args.keys.split(",")
    jobs = [(rid, k) for rid in info["write_run_ids"] for k in keys]

    def one(job: tuple[str, str]) -> int:
        # Follows next_page_token in case the server pages the history.
        rid, key = job
        query = {"run_id": rid, "metric_key": key}
        n = 0
        while True:
            r = cl.get("metrics/get-history", query)
            n += len(r.get("metrics", []))
            if not r.get("next_page_token"):
                return n
            query["page_token"] = r["next_page_token"]

    total = sum(pool_map(args.threads, one, jobs))
    print(total)
    return 0


def health(args: argparse.Namespace) -> int:
    u = urllib.parse.urlsplit(args.url)
    deadline = time.monotonic() + args.timeout
    last = "no answer"
    while time.monotonic() < deadline:
        if args.pid:
            try:
                os.kill(args.pid, 0)
            except ProcessLookupError:
                print(f"server process {args.pid} exited before it was healthy", file=sys.stderr)
                return 1
        try:
            c = http.client.HTTPConnection(u.hostname, u.port, timeout=2)
            c.request("GET", "/health")
            r = c.getresponse()
            body = r.read().decode("utf-8", "replace").strip()
            c.close()
            if r.status == 200 and body == "OK":
                return 0
            last = f"HTTP {r.status} {body[:100]!r}"
        except OSError as e:
            last = str(e)
        time.sleep(0.2)
    print(f"server not healthy after {args.timeout:.0f} s: {last}", file=sys.stderr)
    return 1


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)

    s = sub.add_parser("seed", help="create the benchmark data")
    s.add_argument("--url", required=True)
    s.add_argument("--runs", type=int, default=5000)
    s.add_argument("--history-points", type=int, default=50_000)
    s.add_argument("--write-runs", type=int, default=32)
    s.add_argument("--threads", type=int, default=8)
    s.add_argument("--seed", type=int, default=42)
    s.add_argument("--out", required=True)

    c = sub.add_parser("count", help="count stored metric points of the write runs")
    c.add_argument("--seed-file", required=True)
    c.add_argument("--keys", required=True, help="comma-separated metric keys")
    c.add_argument("--threads", type=int, default=4)

    h = sub.add_parser("health", help="wait for GET /health == OK")
    h.add_argument("--url", required=True)
    h.add_argument("--timeout", type=float, default=60)
    h.add_argument("--pid", type=int, help="give up early when this process exits")

    args = ap.parse_args()
    try:
        return {"seed": seed, "count": count, "health": health}[args.cmd](args)
    except ApiError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
