#!/usr/bin/env bash
# Prints the facts about this machine that benchmark numbers depend on, as
# Markdown list items. Used by bench/run.sh; can be run on its own.
set -uo pipefail

cpu_model=$(grep -m1 -E '^model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//')
[ -n "$cpu_model" ] || cpu_model=$(grep -m1 -E '^(Hardware|cpu model|Processor)' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//')
cpu_mhz=$(grep -m1 -E '^cpu MHz' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//')
mem_total=$(awk '/^MemTotal:/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo 2>/dev/null)
mem_avail=$(awk '/^MemAvailable:/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo 2>/dev/null)
os_name=$( (. /etc/os-release 2>/dev/null && echo "${PRETTY_NAME:-unknown}") || echo unknown)
dotnet_version=$(dotnet --version 2>/dev/null || echo "not found")
# wrk has no real --version flag: it prints its version line with the usage
# text (and exits non-zero), so take the first line.
wrk_version=$( (wrk --version 2>&1 || true) | head -n1)
[ -n "$wrk_version" ] || wrk_version="not found"
python_version=$(python3 --version 2>&1 || echo "not found")

echo "- date (UTC): $(date -u '+%Y-%m-%d %H:%M:%S')"
echo "- nproc: $(nproc 2>/dev/null || echo unknown)"
echo "- CPU: ${cpu_model:-unknown}${cpu_mhz:+ (${cpu_mhz} MHz)}"
echo "- memory: ${mem_total:-unknown} total, ${mem_avail:-unknown} available"
echo "- OS: ${os_name}, kernel $(uname -r)"
# Other work on the machine skews every number; the load average shows it.
echo "- load average at start (1/5/15 min): $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"
echo "- dotnet --version: ${dotnet_version}"
echo "- wrk: ${wrk_version}"
echo "- python3: ${python_version}"
