#!/usr/bin/env python3
"""Turns the results of one bench/run.sh run into a Markdown report.

Reads, from the run's output folder: machine.md (machine facts), seed.json
(seeding facts and checks), <workload>.json (the BENCH_RESULT line of each
wrk run) and, when present, verify.json (stored-row counts). Prints Markdown.
"""

from __future__ import annotations

import json
import os
import sys

# name, title, wrk script, what is reported, target, MLflow 2.12.2 on the same machine
WORKLOADS = [
    ("log_batch", "log-batch, 1000 metrics/request", "metrics/s", "≥ 125,000 metrics/s", "7,190 metrics/s"),
    ("log_metric", "log-metric, 1 metric/request", "req/s, p50, p99", "≥ 10,000 req/s, p99 < 20 ms",
     "293 req/s, p99 1,010 ms"),
    ("search_filtered", "search {runs:,} runs: filter + order_by, 100 results", "p50", "p50 ≤ 10 ms", "p50 156 ms"),
    ("search_page", "search {runs:,} runs: page of 1,000, no filter", "p50", "p50 ≤ 50 ms", "p50 963 ms"),
    ("get_history", "get-history of a {points:,}-point metric", "p50", "p50 ≤ 100 ms", "p50 2,864 ms"),
]


# Share of the machine's CPU (other processes + hypervisor steal) above which a
# measurement is marked as disturbed.
DISTURBED_PCT = 10.0


def ms(us: float) -> str:
    v = us / 1000.0
    if v >= 100:
        return f"{v:,.0f} ms"
    if v >= 10:
        return f"{v:.1f} ms"
    return f"{v:.2f} ms"


def load(path: str):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, json.JSONDecodeError):
        return None


def verdict(name: str, r: dict) -> tuple[str, str]:
    """Returns (headline result, met?)."""
    secs = r["duration_us"] / 1e6
    ok = r["ok"]
    rps = ok / secs if secs > 0 else 0.0
    errs = r["http_errors"] + r["socket_errors"]
    if name == "log_batch":
        mps = rps * 1000
        head = f"**{mps:,.0f} metrics/s**"
        met = mps >= 125_000
    elif name == "log_metric":
        head = f"**{rps:,.0f} req/s**, p50 {ms(r['p50_us'])}, **p99 {ms(r['p99_us'])}**"
        met = rps >= 10_000 and r["p99_us"] < 20_000
    else:
        limit = {"search_filtered": 10_000, "search_page": 50_000, "get_history": 100_000}[name]
        head = f"**p50 {ms(r['p50_us'])}**"
        met = r["p50_us"] <= limit
    if errs or ok == 0:
        met = False
    return head, ("yes" if met else "no")


def cpu_text(out: str, name: str) -> str:
    c = load(os.path.join(out, name + ".cpu.json"))
    if not c:
        return "–"
    return f"{c['server_pct']:.0f}% / {c['wrk_pct']:.0f}% / {c['other_pct']:.0f}% / {c['steal_pct']:.0f}%"


def main() -> int:
    out = sys.argv[1] if len(sys.argv) > 1 else "."
    settings = load(os.path.join(out, "settings.json")) or {}
    seed = load(os.path.join(out, "seed.json")) or {}
    verify = load(os.path.join(out, "verify.json")) or {}

    print(f"# Cairn HTTP benchmark, {settings.get('started', '')}")
    print()
    print(f"Server: `{settings.get('server', '?')}`")
    print()
    print(f"Source revision: {settings.get('revision', 'unknown')}")
    print()
    print(f"Each workload: {settings.get('warmup', '?')} s warm-up, then {settings.get('duration', '?')} s measured "
          f"with `wrk --latency`.")
    print()
    print("## Results")
    print()
    print("| # | Workload | wrk | Result | Target | Met | MLflow 2.12.2 |")
    print("|---|---|---|---|---|---|---|")
    notes: list[str] = []
    disturbed: list[str] = []
    for i, (name, title, _what, target, ref) in enumerate(WORKLOADS, 1):
        title = title.format(runs=seed.get("runs", 5000), points=seed.get("history_points", 50_000))
        r = load(os.path.join(out, name + ".json"))
        wrk_args = settings.get("wrk", {}).get(name, "")
        if r is None:
            print(f"| {i} | {title} | {wrk_args} | not run | {target} | – | {ref} |")
            continue
        head, met = verdict(name, r)
        cpu = load(os.path.join(out, name + ".cpu.json"))
        if cpu and cpu["other_pct"] + cpu["steal_pct"] > DISTURBED_PCT:
            met += " (disturbed)"
            disturbed.append(f"{title}: other processes used {cpu['other_pct']}% and steal took {cpu['steal_pct']}% "
                         f"of the machine's CPU during the measurement; its numbers are not representative")
        print(f"| {i} | {title} | {wrk_args} | {head} | {target} | {met} | {ref} |")
        errs = r["http_errors"] + r["socket_errors"]
        if errs:
            msg = f"{title}: {r['http_errors']} HTTP errors, {r['socket_errors']} socket errors"
            if r.get("timeouts"):
                msg += f" ({r['timeouts']} timeouts)"
            if r.get("first_error"):
                msg += f"; first error: `{r['first_error'][:300]}`"
            notes.append(msg)

    print()
    print("## Details")
    print()
    print("| Workload | requests | ok req/s | mean | p50 | p90 | p99 | max | MB/s received | KB/response "
          "| CPU server / wrk / other / steal |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for name, title, *_ in WORKLOADS:
        r = load(os.path.join(out, name + ".json"))
        if r is None:
            continue
        secs = r["duration_us"] / 1e6
        print(f"| {name} | {r['requests']:,} | {r['ok'] / secs:,.1f} | {ms(r['mean_us'])} | {ms(r['p50_us'])} | "
              f"{ms(r['p90_us'])} | {ms(r['p99_us'])} | {ms(r['max_us'])} | {r['bytes'] / secs / 1e6:,.1f} | "
              f"{r['bytes'] / max(r['requests'], 1) / 1000:,.1f} | {cpu_text(out, name)} |")

    print()
    print("CPU columns: share of the whole machine (all cores) used during the measured run by the server "
          "process, by wrk, by anything else, and taken by the hypervisor (steal).")
    print()
    print("## Data and checks")
    print()
    if seed:
        print(f"- seeded {seed.get('runs', '?'):,} runs + a {seed.get('history_points', 0):,}-point history "
              f"in {seed.get('seed_seconds', '?')} s; {seed.get('expected_filter_matches', '?')} runs match "
              f"`{seed.get('filter', '')}`")
        checks = seed.get("checks", [])
        if checks:
            for c in checks:
                print(f"- **check failed**: {c}")
        else:
            print("- answers checked after seeding: filtered search (ids and order), page of 1,000, "
                  "paging through all matches and all runs, history length: all match")
    else:
        print("- seeding did not complete")
    for key, label in (("log_batch", "log-batch"), ("log_metric", "log-metric")):
        v = verify.get(key)
        if v:
            line = (f"- {label}: {v['stored']:,} points stored, {v['acknowledged']:,} acknowledged "
                    f"(warm-up + measured)")
            if v["stored"] < v["acknowledged"]:
                line += " — **fewer rows stored than acknowledged**"
            print(line)
    for n in notes:
        print(f"- **errors**: {n}")
    for n in disturbed:
        print(f"- **disturbed**: {n}")
    if "server_log_bytes" in settings:
        print(f"- server output during the run: {settings['server_log_bytes']:,} bytes; "
              f"database files at the end: {settings.get('db_bytes', 0):,} bytes")

    machine = os.path.join(out, "machine.md")
    if os.path.exists(machine):
        print()
        print("## Machine")
        print()
        with open(machine) as f:
            print(f.read().rstrip())
    return 0


if __name__ == "__main__":
    sys.exit(main())
