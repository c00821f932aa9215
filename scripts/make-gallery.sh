#!/usr/bin/env bash
# Regenerates the pictures of docs/gallery.md with the shipped models: prompts, variations, an
# interpolation, text diffs, inpainting and outpainting, for models/shapes (seen and held-out colour-shape pairs) and models/emoji.
# Usage: scripts/make-gallery.sh [shapes|emoji|edits|all]   (needs data/shapes and data/emoji for the input images)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
which="${1:-all}"
out="$here/docs/images/gallery"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out"
model=""
run() { "$here/dalle2" "$@" --model "$model" --out "$tmp" >/dev/null; }
sheet() { mv "$(ls -t "$tmp"/*-sheet.png | head -1)" "$out/$1.png"; }
slug() { echo "$1" | tr ' ' '-' | tr -cd 'a-z0-9-'; }

shapes() {
  model=models/shapes
  run generate "a large red circle on a beige background" -n 4 && sheet readme-shapes
  for prompt in "a large red circle" "a small blue square on a beige background" "a large yellow star" \
                "a large green cross on a dark grey background" "a small purple triangle" "a large pink diamond" \
                "a large red star" "a small blue circle" "a large purple diamond on a light grey background"; do
    run generate "$prompt" -n 4
    sheet "generate-$(slug "$prompt")"
  done
  local a="$here/data/shapes/images/000003.png" b="$here/data/shapes/images/000010.png"
  cp "$a" "$out/input-a.png"
  cp "$b" "$out/input-b.png"
  run vary "$a" -n 4 && sheet vary-a
  run vary "$b" -n 4 && sheet vary-b
  run interpolate "$a" "$b" --frames 8 && sheet interpolate-a-b
  run edit "$a" --from "a small purple circle" --to "a small purple square" --amount 0.6 --frames 5 && sheet edit-a-square
  run edit "$a" --from "a small purple circle" --to "a small green circle" --amount 0.6 --frames 5 && sheet edit-a-green
  run edit "$b" --from "a small orange star on a beige background" --to "a large orange star on a beige background" \
      --amount 0.6 --frames 5 && sheet edit-b-large
}

emoji() {
  model=models/emoji
  run generate "an emoji of a red apple" -n 4 && sheet readme
  for prompt in "an emoji of a grinning face" "an emoji of a red heart" "an emoji of a dog face" "an emoji of a pizza" \
                "an emoji of a rocket" "an emoji of a sun" "an emoji of a watermelon" "an emoji of thumbs up" \
                "a drawing of a ghost" "a drawing of an evergreen tree"; do
    run generate "$prompt" -n 4
    sheet "emoji-generate-$(slug "$prompt")"
  done
  local a="$here/data/emoji/images/twemoji/1f34e.png" b="$here/data/emoji/images/twemoji/1f600.png"
  cp "$a" "$out/emoji-input-apple.png"
  cp "$b" "$out/emoji-input-face.png"
  run vary "$a" -n 4 && sheet emoji-vary-apple
  run vary "$b" -n 4 && sheet emoji-vary-face
  run interpolate "$a" "$b" --frames 8 && sheet emoji-interpolate-apple-face
  run edit "$a" --from "an emoji of a red apple" --to "an emoji of a green apple" --amount 0.6 --frames 5 \
      && sheet emoji-edit-apple-green
  run edit "$b" --from "an emoji of a grinning face" --to "an emoji of a crying face" --amount 0.6 --frames 5 \
      && sheet emoji-edit-face-crying
}

# Inpainting and outpainting: each sheet is a strip of the input, the input with the part to paint grey, and four
# results; for the emoji model once by RePaint and once by the inpainting decoder when models/emoji has one.
edits() {
  model=models/emoji
  local face="$here/data/emoji/images/noto/1f60e.png" apple="$here/data/emoji/images/noto/1f34e.png"
  local methods=(repaint)
  [ -d "$here/models/emoji/decoder-inpaint" ] && methods+=(decoder)
  for method in "${methods[@]}"; do
    run inpaint "$face" --box 8,8,48,24 "an emoji of a smiling face with heart-eyes" --method "$method" -n 4 \
        && sheet "emoji-inpaint-face-heart-eyes-$method"
    run inpaint "$apple" --box 16,16,32,32 "an emoji of a green apple" --method "$method" -n 4 \
        && sheet "emoji-inpaint-apple-green-$method"
    run outpaint "$apple" --extend right --pixels 32 "an emoji of a red apple" --method "$method" -n 4 \
        && sheet "emoji-outpaint-apple-right-$method"
  done
  model=models/shapes
  local shape="$here/data/shapes/images/000003.png"  # 32 px: the box is its middle
  run inpaint "$shape" --box 8,8,16,16 "a large yellow star" -n 4 && sheet shapes-inpaint-yellow-star
  run outpaint "$shape" --extend all --pixels 16 "a small purple circle" -n 4 && sheet shapes-outpaint-all
}

case "$which" in
  shapes) shapes ;;
  emoji) emoji ;;
  edits) edits ;;
  all) shapes; emoji; edits ;;
  *) echo "usage: scripts/make-gallery.sh [shapes|emoji|edits|all]" >&2; exit 2 ;;
esac
echo "gallery pictures in $out"
