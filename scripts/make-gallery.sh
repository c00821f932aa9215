#!/usr/bin/env bash
# Regenerates the pictures of docs/gallery.md with a model folder (default models/shapes):
# prompts (seen and held-out colour-shape pairs), variations, an interpolation and text diffs.
# Usage: scripts/make-gallery.sh [MODEL_DIR]   (needs data/shapes for the input images)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
model="${1:-models/shapes}"
out="$here/docs/images/gallery"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out"
run() { "$here/dalle2" "$@" --model "$model" --out "$tmp" >/dev/null; }
sheet() { mv "$(ls -t "$tmp"/*-sheet.png | head -1)" "$out/$1.png"; }

run generate "a large red circle on a beige background" -n 4 && sheet readme
for prompt in "a large red circle" "a small blue square on a beige background" "a large yellow star" \
              "a large green cross on a dark grey background" "a small purple triangle" "a large pink diamond" \
              "a large red star" "a small blue circle" "a large purple diamond on a light grey background"; do
  run generate "$prompt" -n 4
  sheet "generate-$(echo "$prompt" | tr ' ' '-')"
done
a="$here/data/shapes/images/000003.png"
b="$here/data/shapes/images/000010.png"
cp "$a" "$out/input-a.png"
cp "$b" "$out/input-b.png"
run vary "$a" -n 4 && sheet vary-a
run vary "$b" -n 4 && sheet vary-b
run interpolate "$a" "$b" --frames 8 && sheet interpolate-a-b
run edit "$a" --from "a small purple circle" --to "a small purple square" --amount 0.6 --frames 5 && sheet edit-a-square
run edit "$a" --from "a small purple circle" --to "a small green circle" --amount 0.6 --frames 5 && sheet edit-a-green
run edit "$b" --from "a small orange star on a beige background" --to "a large orange star on a beige background" \
    --amount 0.6 --frames 5 && sheet edit-b-large
echo "gallery pictures in $out"
