#!/usr/bin/env python3
"""Summarises a Chromium trace written by PaintProbe.TraceAsync (bench/ui --trace FOLDER).

Prints the page's main-thread tasks of at least --min ms in time order, each with its start (ms from the navigation's
start) and the work inside it (HTML parsing, script, style, layout, paint) by total duration, then the totals.

    python3 bench/ui/trace-summary.py FOLDER/compare.json [--min 5]
"""
import argparse
import collections
import json

WORK = {
    "ParseHTML": "parse HTML",
    "EvaluateScript": "script",
    "FunctionCall": "script",
    "EventDispatch": "script",
    "TimerFire": "script",
    "FireAnimationFrame": "script",
    "v8.compile": "compile",
    "v8.compileModule": "compile",
    "UpdateLayoutTree": "style",
    "Layout": "layout",
    "PrePaint": "paint",
    "Paint": "paint",
    "Layerize": "paint",
    "Commit": "paint",
    "MinorGC": "garbage collection",
    "MajorGC": "garbage collection",
}
# Marks whose timestamp is the moment itself (the navigation-timing marks carry theirs in their arguments instead).
MARKS = ("firstContentfulPaint", "largestContentfulPaint::Candidate", "loadEventEnd")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("trace")
    parser.add_argument("--min", type=float, default=5.0, help="shortest task listed, ms")
    args = parser.parse_args()
    events = json.load(open(args.trace))["traceEvents"]

    names = {(e["pid"], e["tid"]): e["args"]["name"] for e in events if e.get("ph") == "M" and e.get("name") == "thread_name"}
    mains = [key for key, name in names.items() if name == "CrRendererMain"]
    # The page's renderer is the main thread with the most work on it.
    busy = collections.Counter((e["pid"], e["tid"]) for e in events if (e["pid"], e["tid"]) in mains and e.get("ph") == "X")
    main_thread = busy.most_common(1)[0][0]
    starts = [e["ts"] for e in events if e.get("name") == "navigationStart" and e["pid"] == main_thread[0]]
    origin = max(starts) if starts else min(e["ts"] for e in events if "ts" in e)

    def ms(ts):
        return (ts - origin) / 1000.0

    marks = {}
    for e in events:
        if e.get("name") in MARKS and e["pid"] == main_thread[0] and e["ts"] >= origin:
            marks.setdefault(e["name"], ms(e["ts"]))
    print("marks (ms): " + ", ".join(f"{name} {at:.0f}" for name, at in sorted(marks.items(), key=lambda m: m[1])))

    slices = sorted((e for e in events if (e["pid"], e["tid"]) == main_thread and e.get("ph") == "X" and e["ts"] >= origin),
                    key=lambda e: e["ts"])
    # A task may be recorded under both names, one nested in the other: take one.
    task_name = "ThreadControllerImpl::RunTask" if any(e["name"] == "ThreadControllerImpl::RunTask" for e in slices) else "RunTask"
    tasks = [e for e in slices if e["name"] == task_name]
    totals = collections.Counter()
    for task in tasks:
        end = task["ts"] + task.get("dur", 0)
        inside = collections.Counter()
        for e in slices:
            if task["ts"] <= e["ts"] < end and e["name"] in WORK:
                inside[WORK[e["name"]]] += e.get("dur", 0) / 1000.0
        totals.update(inside)
        if task.get("dur", 0) / 1000.0 >= args.min:
            detail = ", ".join(f"{kind} {d:.0f}" for kind, d in inside.most_common())
            print(f"{ms(task['ts']):7.0f} ms  task {task['dur'] / 1000.0:6.1f} ms  {detail}")
    print("totals (ms, nested work counted once per kind): " + ", ".join(f"{kind} {d:.0f}" for kind, d in totals.most_common()))


if __name__ == "__main__":
    main()
