#!/usr/bin/env bash
# Runs the npm `mlflow` client compatibility test against a running server.
# Usage: CAIRN_URL=http://127.0.0.1:5123 tests/js-client/run.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
if [[ -z "${CAIRN_URL:-}" ]]; then
  echo "run.sh: set CAIRN_URL to the server base URL (e.g. http://127.0.0.1:5123)" >&2
  exit 2
fi
if [[ ! -d node_modules ]]; then
  npm ci --no-audit --no-fund
fi
exec node --test mlflow-client.test.mjs
