#!/usr/bin/env bash
# Rebuilds public/recordings/sample.sqlite, the recording shipped with the site: the three real
# captures in fixtures/captures imported through the live parsers, with metrics and alerts on
# 1-second buckets (fixtures/sample-recording.config.json: the captures last seconds, not hours),
# then exported as a single journal_mode=DELETE file that sql.js opens.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
node bin/futuresboard import fixtures/captures/*.jsonl --db "$tmp/sample.db" --config fixtures/sample-recording.config.json
node bin/futuresboard export --db "$tmp/sample.db" --out public/recordings/sample.sqlite
