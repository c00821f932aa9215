#!/usr/bin/env bash
# Checks that OpenAI's own client library (the `openai` npm package, official TypeScript/JavaScript SDK) works
# unchanged against `dalle2 serve`: images.generate (b64_json and url), images.createVariation, images.edit with a
# mask, and a bad request surfacing as the SDK's APIError with status 400 and the field in `param`. Needs npm
# (the package is installed into a temporary folder). Usage: scripts/check-openai-sdk.sh [MODEL] [SDK_VERSION]
set -euo pipefail
cd "$(dirname "$0")/.."
model="${1:-models/shapes}"
version="${2:-7.55.0}"
./dalle2 info > /dev/null
work="$(mktemp -d)"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
DALLE2_API_KEY=sdk-check ./dalle2 serve --model "$model" --port "$port" > "$work/serve.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null || true; rm -rf "$work"' EXIT
(cd "$work" && npm install --silent --no-audit --no-fund "openai@$version" > /dev/null)
until grep -q listening "$work/serve.log" 2>/dev/null; do sleep 0.2; done
cat > "$work/check.mjs" <<'JS'
import OpenAI, { toFile } from "openai";
import assert from "node:assert/strict";
import zlib from "node:zlib";

const client = new OpenAI({ baseURL: process.env.BASE + "/v1", apiKey: "sdk-check" });
const isPng = (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));

// a 64 x 64 RGBA PNG, written by hand: opaque grey, or with its left half transparent
function png(leftTransparent) {
  const crcTable = Array.from({ length: 256 }, (_, n) => { let c = n; for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1; return c >>> 0; });
  const crc = (buf) => { let c = 0xffffffff; for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8); return (c ^ 0xffffffff) >>> 0; };
  const chunk = (type, data) => { const len = Buffer.alloc(4); len.writeUInt32BE(data.length); const td = Buffer.concat([Buffer.from(type), data]); const c = Buffer.alloc(4); c.writeUInt32BE(crc(td)); return Buffer.concat([len, td, c]); };
  const ihdr = Buffer.alloc(13); ihdr.writeUInt32BE(64, 0); ihdr.writeUInt32BE(64, 4); ihdr[8] = 8; ihdr[9] = 6;
  const rows = [];
  for (let y = 0; y < 64; y++) { const row = Buffer.alloc(1 + 64 * 4); for (let x = 0; x < 64; x++) { row.writeUInt32BE(leftTransparent && x < 32 ? 0 : 0x808080ff, 1 + 4 * x); } rows.push(row); }
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk("IHDR", ihdr), chunk("IDAT", zlib.deflateSync(Buffer.concat(rows))), chunk("IEND", Buffer.alloc(0))]);
}

const generated = await client.images.generate({ model: "dall-e-2", prompt: "a red circle", n: 2, size: "256x256", response_format: "b64_json" });
assert.equal(generated.data.length, 2);
assert.ok(isPng(Buffer.from(generated.data[0].b64_json, "base64")));
console.log("images.generate (b64_json): 2 PNGs, created", generated.created);

const linked = await client.images.generate({ prompt: "a blue square" });
const fetched = Buffer.from(await (await fetch(linked.data[0].url)).arrayBuffer());
assert.ok(isPng(fetched));
console.log("images.generate (url): downloaded", linked.data[0].url.replace(/[0-9a-f]{32}/, "…"));

const varied = await client.images.createVariation({ image: await toFile(png(false), "image.png", { type: "image/png" }), n: 1, response_format: "b64_json" });
assert.ok(isPng(Buffer.from(varied.data[0].b64_json, "base64")));
console.log("images.createVariation: 1 PNG");

const edited = await client.images.edit({ image: await toFile(png(false), "image.png", { type: "image/png" }),
  mask: await toFile(png(true), "mask.png", { type: "image/png" }), prompt: "a green triangle", response_format: "b64_json" });
assert.ok(isPng(Buffer.from(edited.data[0].b64_json, "base64")));
console.log("images.edit with a mask: 1 PNG");

try {
  await client.images.generate({ prompt: "x", n: 50 });
  assert.fail("n = 50 was accepted");
} catch (e) {
  assert.ok(e instanceof OpenAI.APIError, String(e));
  assert.equal(e.status, 400);
  assert.equal(e.param, "n");
  console.log("a bad request: APIError", e.status, "param", e.param, "-", e.message);
}
try {
  await new OpenAI({ baseURL: process.env.BASE + "/v1", apiKey: "wrong", maxRetries: 0 }).images.generate({ prompt: "x" });
  assert.fail("a wrong key was accepted");
} catch (e) {
  assert.equal(e.status, 401);
  console.log("a wrong key: AuthenticationError", e.status, e.code);
}
console.log("the openai SDK works against dalle2 serve");
JS
BASE="http://127.0.0.1:$port" node "$work/check.mjs"
