#!/bin/bash
# Differential check of two builds of the CLI: `handoff run --keep-going` on random scenarios
# (tools/random_events.py) must print byte-identical messages and errors.
# Usage: tools/compare_run.sh OLD_HANDOFF NEW_HANDOFF [SEED...]   (default seeds 1..6)
set -u
old=$1; new=$2; shift 2
seeds=("$@"); [ ${#seeds[@]} -eq 0 ] && seeds=(1 2 3 4 5 6)
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
status=0
for s in "${seeds[@]}"; do
  for tz in "+08:00" "CET-1CEST,M3.5.0,M10.5.0/3"; do
    python3 "$here/random_events.py" "$s" 4000 "$tz" > "$work/s.json"
    "$old" run --keep-going "$work/s.json" > "$work/o.out" 2> "$work/o.err"
    "$new" run --keep-going "$work/s.json" > "$work/n.out" 2> "$work/n.err"
    if cmp -s "$work/o.out" "$work/n.out" && cmp -s "$work/o.err" "$work/n.err"; then
      echo "seed $s, zone $tz: same ($(wc -l < "$work/o.out") messages, $(wc -l < "$work/o.err") rejected)"
    else
      echo "seed $s, zone $tz: DIFFERENT"; status=1
    fi
  done
done
exit $status
