#!/usr/bin/env bash
# 1. -o replaces the file atomically: an existing report survives a failed run intact.
# 2. SIGINT during a run stops it at the next slice and writes a report marked partial,
#    with exit status 130.
set -euo pipefail
bin=$1 scenario=$2 work=$3
rm -rf "$work" && mkdir -p "$work"
echo '{"previous": true}' > "$work/out.json"
if "$bin" run "$scenario" --set /pods/0/racks=0 --format json -o "$work/out.json" 2>/dev/null; then
  echo "an invalid run succeeded" >&2; exit 1
fi
grep -q '"previous": true' "$work/out.json" || { echo "a failed run damaged the existing output" >&2; exit 1; }
ls -A "$work" | grep -q tmp && { echo "a temporary file was left behind" >&2; exit 1; }

# A run long enough to interrupt: the 100k-GPU year, ten times over.
"$bin" -q run "$scenario" --set /horizon_days=3650 --set /report/sample_interval_minutes=1440 --format json -o "$work/partial.json" &
pid=$!
sleep 0.5
kill -INT $pid
set +e
wait $pid
code=$?
set -e
[[ $code == 130 ]] || { echo "exit status $code after SIGINT, expected 130" >&2; exit 1; }
grep -q '"partial": true' "$work/partial.json" || { echo "no partial report" >&2; cat "$work/partial.json" >&2; exit 1; }
echo "ok: atomic output, partial report on SIGINT"
