# Sourced by the PostgreSQL benches. Without BENCH_POSTGRES_URI it starts a throwaway PostgreSQL cluster (default
# settings: fsync and synchronous_commit on) in a temporary folder on a free loopback port, as the tests do, and sets
# BENCH_POSTGRES_URI to it; stop_bench_cluster stops it and deletes the folder. PostgreSQL refuses to run as root, so
# as root the cluster runs as the postgres user. BENCH_PG_OPTIONS adds server settings to the throwaway cluster
# (e.g. "-c shared_buffers=1GB -c max_wal_size=8GB"). With BENCH_POSTGRES_URI set, that server is used as it is.
# Also sets PG_POSTMASTER to the pid of the server listening on the URI's port (for counting its CPU).
bench_cluster_dir=""
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)

start_bench_cluster() {
  if [ -z "${BENCH_POSTGRES_URI:-}" ]; then
    [ -x "$pg_bin/initdb" ] || { echo "PostgreSQL is not installed (apt-get install -y postgresql)" >&2; return 1; }
    local run=() port
    bench_cluster_dir=$(mktemp -d -t cairn-bench-pg.XXXXXX)
    if [ "$(id -u)" = 0 ]; then chown postgres "$bench_cluster_dir"; run=(runuser -u postgres --); fi
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
    "${run[@]}" "$pg_bin/initdb" -D "$bench_cluster_dir/data" -A trust -U postgres >"$bench_cluster_dir/initdb.log" 2>&1
    "${run[@]}" "$pg_bin/pg_ctl" -D "$bench_cluster_dir/data" -l "$bench_cluster_dir/postgres.log" -w start \
      -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$bench_cluster_dir ${BENCH_PG_OPTIONS:-}" >/dev/null
    BENCH_POSTGRES_URI="postgresql://postgres@127.0.0.1:$port/postgres"
  fi
  local uri_port
  uri_port=$(python3 -c 'import sys, urllib.parse as u; print(u.urlsplit(sys.argv[1]).port or 5432)' "$BENCH_POSTGRES_URI")
  PG_POSTMASTER=$(ss -Hltnp "sport = :$uri_port" 2>/dev/null | grep -o 'pid=[0-9]*' | head -n 1 | cut -d= -f2 || true)
}

stop_bench_cluster() {
  [ -n "$bench_cluster_dir" ] || return 0
  local run=()
  [ "$(id -u)" = 0 ] && run=(runuser -u postgres --)
  "${run[@]}" "$pg_bin/pg_ctl" -D "$bench_cluster_dir/data" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$bench_cluster_dir"
  bench_cluster_dir=""
}

# start_bench_server PREFIX: a fresh database named PREFIX_<epoch> on the cluster and `cairn server` ($DLL) on it,
# artifacts under $work; sets database, database_uri, server_pid and url. Pair with stop_bench_server.
start_bench_server() {
  database="$1_$(date +%s)"
  psql "$BENCH_POSTGRES_URI" -qc "CREATE DATABASE $database" >/dev/null
  database_uri="${BENCH_POSTGRES_URI%/*}/$database"
  local port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
  dotnet "$DLL" server --host 127.0.0.1 --port "$port" --backend-store-uri "$database_uri" --artifacts-destination "$work/artifacts" >"$work/server.log" 2>&1 &
  server_pid=$!
  url="http://127.0.0.1:$port"
  for _ in $(seq 1 1200); do curl -sf "$url/health" >/dev/null 2>&1 && break; sleep 0.1; done
  curl -sf "$url/health" >/dev/null || { cat "$work/server.log"; return 1; }
}

# stop_bench_server: stops the server, drops its database, stops a throwaway cluster and deletes $work.
stop_bench_server() {
  { [ -n "${server_pid:-}" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null; } || true
  { [ -n "${BENCH_POSTGRES_URI:-}" ] && [ -n "${database:-}" ] && psql "$BENCH_POSTGRES_URI" -qc "DROP DATABASE IF EXISTS $database WITH (FORCE)" >/dev/null 2>&1; } || true
  stop_bench_cluster
  rm -rf "$work"
}

# cpu_ticks PID: user + system clock ticks of a live process; with a second argument 1, with its exited children's.
cpu_ticks() {
  { sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null || true; } | awk -v c="${2:-0}" '{t = $12 + $13 + (c ? $14 + $15 : 0)} END {print t + 0}'
}

# postgres_ticks: CPU ticks of the whole cluster (postmaster with exited children, and its live children).
postgres_ticks() {
  [ -n "${PG_POSTMASTER:-}" ] || { echo 0; return; }
  local total pid
  total=$(cpu_ticks "$PG_POSTMASTER" 1)
  for pid in $(pgrep -P "$PG_POSTMASTER" || true); do total=$((total + $(cpu_ticks "$pid"))); done
  echo "$total"
}
