#!/usr/bin/env bash
# Rebuilds public/recordings/sample.sqlite, the recording shipped with the site: three real
# captures from ../shared/captures (beside the repository; they come from other public projects
# and are not vendored, see fixtures/README.md) imported through the live parsers, with metrics
# and alerts on 1-second buckets (fixtures/sample-recording.config.json: the captures last
# seconds, not hours), then exported as a single journal_mode=DELETE file that sql.js opens.
set -euo pipefail
cd "$(dirname "$0")/.."
shared=../shared/captures
captures=("$shared/binance-usdm.2021-07-22.jsonl" "$shared/bybit-linear.2025-06-13.jsonl" "$shared/okx.2022-05-13.jsonl")
for f in "${captures[@]}"; do
  [ -f "$f" ] || { echo "make-sample-recording: $f not found: the captures are read from ../shared/captures beside the repository" >&2; exit 1; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
node bin/futuresboard import "${captures[@]}" --db "$tmp/sample.db" --config fixtures/sample-recording.config.json
node bin/futuresboard export --db "$tmp/sample.db" --out public/recordings/sample.sqlite
