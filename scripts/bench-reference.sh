#!/usr/bin/env bash
# PyTorch reference numbers for BENCHMARKS.md: runs scripts/bench_reference.py (the same U-Net,
# loss, optimizer step and sampling step as `dalle2 bench train`) with Debian's python3-torch,
# installing it first when it is missing. Arguments go to bench_reference.py, e.g.
#
#   scripts/bench-reference.sh --config configs/decoder-shapes-32.yaml
#   scripts/bench-reference.sh --print-names > /tmp/py-names.txt
#
# PyTorch's matmuls go through OpenBLAS-OpenMP (libopenblas0-openmp), preloaded so that whatever
# libblas.so.3 points at, it is the fast build. Run it on an otherwise idle machine.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
missing=()
for p in python3 python3-torch python3-yaml libopenblas0-openmp; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "bench-reference: installing ${missing[*]}" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >&2
fi
openblas="$(ls /usr/lib/*/openblas-openmp/libopenblas.so.0 | head -n 1)"
cd "$here/.."
# /usr/bin/python3: Debian's interpreter, the one python3-torch installs into.
LD_PRELOAD="$openblas${LD_PRELOAD:+:$LD_PRELOAD}" exec /usr/bin/python3 "$here/bench_reference.py" "$@"
