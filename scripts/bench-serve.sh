#!/usr/bin/env bash
# dalle2 serve under load, and images per minute through the API against the CLI, in one run on one machine.
#  1. the CLI: `dalle2 generate PROMPT -n 4` ROUNDS times (each a new JVM that loads the model, as a user runs it);
#  2. the API: ROUNDS × 3 sequential POST /v1/images/generations with n 4, against one server that stays up; the web
#     layer's overhead per request = the client's wall time less the model's time for the job (dalle2_job_seconds);
#  3. load: 40 concurrent requests (n 1) against the default queue of 16: the status codes, the server's resident
#     memory before, at its highest during (sampled every 0.1 s) and after, the queue afterwards, the metrics' counts.
# Usage: scripts/bench-serve.sh [ROUNDS] [MODEL]     (defaults 3 and models/shapes)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-3}"
model="${2:-models/shapes}"
prompt="a red circle"
./dalle2 info > /dev/null  # builds the jar first, outside the timings
out="$(mktemp -d)"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
./dalle2 serve --model "$model" --port "$port" > "$out/serve.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null || true; rm -rf "$out"' EXIT
until grep -q listening "$out/serve.log" 2>/dev/null; do sleep 0.2; done
pid=$(pgrep -f -n "serve --model $model --port $port")
rss() { awk '/VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$pid/status"; }
metric() { curl -s "$base/metrics" | awk -v m="$1" '$1 == m {print $2}'; }
now() { date +%s.%N; }
# one warm-up request, so the API's first numbers do not include the JIT's first pass over the model
curl -s -o /dev/null -X POST "$base/v1/images/generations" -H 'Content-Type: application/json' -d "{\"prompt\": \"$prompt\", \"n\": 4}"

cli_total=0
for round in $(seq 1 "$rounds"); do
  start=$(now)
  ./dalle2 generate "$prompt" --model "$model" -n 4 --seed "$round" --out "$out/cli" > /dev/null 2>&1
  wall=$(awk -v a="$start" -v b="$(now)" 'BEGIN {print b - a}')
  cli_total=$(awk -v a="$cli_total" -v b="$wall" 'BEGIN {print a + b}')
  printf 'CLI round %d: 4 images in %.2f s (JVM start and model loading included)\n' "$round" "$wall"
done

api_total=0
job_before=$(metric dalle2_job_seconds_sum)
requests=$((rounds * 3))
for i in $(seq 1 "$requests"); do
  start=$(now)
  code=$(curl -s -o "$out/api.json" -w '%{http_code}' -X POST "$base/v1/images/generations" -H 'Content-Type: application/json' \
    -d "{\"prompt\": \"$prompt\", \"n\": 4, \"seed\": $i, \"response_format\": \"b64_json\"}")
  wall=$(awk -v a="$start" -v b="$(now)" 'BEGIN {print b - a}')
  [ "$code" = 200 ] || { echo "API request $i: HTTP $code: $(cat "$out/api.json")"; exit 1; }
  api_total=$(awk -v a="$api_total" -v b="$wall" 'BEGIN {print a + b}')
done
job_seconds=$(awk -v a="$job_before" -v b="$(metric dalle2_job_seconds_sum)" 'BEGIN {print b - a}')
awk -v c="$cli_total" -v r="$rounds" -v a="$api_total" -v q="$requests" -v j="$job_seconds" 'BEGIN {
  printf "CLI: %.1f images/min (%.2f s per call of 4)\n", 240 * r / c, c / r
  printf "API: %.1f images/min (%.2f s per request of 4; the model %.2f s of it; web layer and queue %.0f ms a request)\n",
    240 * q / a, a / q, j / q, 1000 * (a - j) / q }'

echo "load: 40 concurrent requests (n 1), queue 16"
rss_before=$(rss)
done_before=$(metric 'dalle2_jobs_total{outcome="done"}'); done_before=${done_before:-0}
(peak=0; while kill -0 $server 2>/dev/null; do r=$(rss); [ "$r" -gt "$peak" ] && peak=$r && echo "$peak" > "$out/peak"; sleep 0.1; done) &
sampler=$!
start=$(now)
seq 1 40 | xargs -P 40 -I{} curl -s -o /dev/null -w '%{http_code}\n' -X POST "$base/v1/images/generations" \
  -H 'Content-Type: application/json' -d "{\"prompt\": \"$prompt\", \"seed\": {}, \"response_format\": \"b64_json\"}" > "$out/codes"
wall=$(awk -v a="$start" -v b="$(now)" 'BEGIN {print b - a}')
kill $sampler 2>/dev/null || true
sort "$out/codes" | uniq -c | awk -v w="$wall" 'BEGIN {printf "  answers in %.1f s:", w} {printf " %s × %s", $1, $2} END {print ""}'
done_after=$(metric 'dalle2_jobs_total{outcome="done"}')
printf '  queue afterwards %s; jobs done %s (the 200s: %s); rejected %s\n' "$(metric dalle2_queue_length)" \
  "$(awk -v a="$done_before" -v b="$done_after" 'BEGIN {print b - a}')" "$(grep -c '^200$' "$out/codes" || true)" \
  "$(metric 'dalle2_jobs_total{outcome="rejected"}')"
printf '  resident memory: %s MiB before, %s MiB at most during, %s MiB after\n' "$rss_before" "$(cat "$out/peak" 2>/dev/null || echo "$rss_before")" "$(rss)"
