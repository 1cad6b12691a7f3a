#!/usr/bin/env bash
# Fails when web/openapi.json or the generated client is older than the API: run `make api-client`.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
.venv/bin/dataquery openapi --out "$tmp/openapi.json"
(cd web && npx --no-install openapi-typescript "$tmp/openapi.json" -o "$tmp/schema.d.ts" >/dev/null)
if ! cmp -s "$tmp/openapi.json" web/openapi.json || ! cmp -s "$tmp/schema.d.ts" web/src/api/schema.d.ts; then
  echo "The API client is out of date: run 'make api-client' and commit the result." >&2
  exit 1
fi
echo "API client is current."
