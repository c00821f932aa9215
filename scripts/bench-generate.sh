#!/usr/bin/env bash
# Side by side: `dalle2 generate "an emoji of a red apple"` (four images, shipped model) with the sampler settings
# the model shipped with until 2026-12-07 (DDIM, prior 64 steps, decoder 50, upsampler 25, fp32) against today's
# defaults, alternating in one run on one machine, ROUNDS times each (default 3). Prints every run's wall time (JVM
# start included), the time generate prints, and its --timings line, then the medians.
# Usage: scripts/bench-generate.sh [ROUNDS] [MODEL]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-3}"
model="${2:-models/emoji}"
prompt="an emoji of a red apple"
./dalle2 info > /dev/null  # builds the jar first, outside the timings
before=(--sampler ddim --prior-steps 64 --steps 50 --upsampler-steps 25 --precision fp32)
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
declare -A walls
for round in $(seq 1 "$rounds"); do
  for setting in before now; do
    if [ "$setting" = before ]; then args=("${before[@]}"); else args=(); fi
    start=$(date +%s.%N)
    log=$(./dalle2 generate "$prompt" --model "$model" --out "$out/$setting" --timings "${args[@]}" 2>/dev/null)
    wall=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN {print b - a}')
    walls[$setting]="${walls[$setting]:-} $wall"
    printf '%-6s round %d: wall %.2f s | %s\n' "$setting" "$round" "$wall" "$(echo "$log" | tr '\n' ' ')"
  done
done
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {print (NR % 2 ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2)}'; }
b=$(echo "${walls[before]}" | median)
n=$(echo "${walls[now]}" | median)
awk -v b="$b" -v n="$n" 'BEGIN {printf "median wall: before %.2f s, now %.2f s: %.1fx faster\n", b, n, b / n}'
