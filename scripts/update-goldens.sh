#!/usr/bin/env bash
# Regenerates the golden JSON summaries of every scenario in scenarios/ (approval tests in
# tests/golden/). Run after an intended model change, then review `git diff tests/golden`
# before committing: the diff is the change in every figure a user would see.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${FACTORYSIM:-build/factorysim}
[[ -x $bin ]] || { echo "build first (cmake --build build); $bin not found" >&2; exit 2; }
while IFS= read -r -d '' scenario; do
  rel=${scenario#scenarios/}
  golden="tests/golden/${rel%.json}.json"
  mkdir -p "$(dirname "$golden")"
  "$bin" -q run "$scenario" --format json -o "$golden"
  echo "updated $golden"
done < <(find scenarios -name '*.json' -not -path '*/validation/*' -print0 | sort -z)
