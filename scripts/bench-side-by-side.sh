#!/usr/bin/env bash
# Runs the Java training benchmark and the PyTorch reference in turn, RUNS times each, with the same
# arguments, so that their numbers come from back-to-back runs on the same machine.
# Usage: scripts/bench-side-by-side.sh RUNS [bench train arguments, e.g. --config FILE --precision bf16 --steps 40]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
runs="${1:?usage: $0 RUNS [bench train arguments]}"
shift
for ((i = 1; i <= runs; i++)); do
  "$here/../dalle2" bench train "$@" | grep -E '^(bf16|fp32) ' | sed "s/^/java    run $i  /"
  "$here/bench-reference.sh" "$@" | grep -E '^(bf16|fp32) ' | sed "s/^/pytorch run $i  /"
done
