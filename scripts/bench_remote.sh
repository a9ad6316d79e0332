#!/usr/bin/env bash
# Part 2 of `make bench` (issue 3): 16 personas, IMAGE_CONCURRENCY 8, the
# OpenAI image provider against the loopback fake answering every image
# request in 200 ms. Floor: 16 personas x 2 requests / 8 x 200 ms = 0.8 s.
# Prints the image stage's wall time over the floor; target <= 1.15.
set -euo pipefail
BIN="$1"; WORK="$2"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
# The fake exits when its stdin closes: we hold the write end of a FIFO.
mkfifo "$WORK/fake.in"
python3 "$ROOT/Tests/fakes/fake_api.py" --api-key bench-key --delay-ms 200 --png-size 256 --serve-retired \
    < "$WORK/fake.in" > "$WORK/fake.out" 2>"$WORK/fake.err" &
FAKE=$!
exec 3> "$WORK/fake.in"
trap 'exec 3>&-; kill $FAKE 2>/dev/null || true' EXIT
for _ in $(seq 50); do grep -q '^PORT' "$WORK/fake.out" 2>/dev/null && break; sleep 0.1; done
PORT=$(awk '/^PORT/{print $2}' "$WORK/fake.out")
export AVATAR_IMAGE_PROVIDER=openai OPENAI_BASE_URL="http://127.0.0.1:$PORT/v1" OPENAI_API_KEY=bench-key
# dall-e-2 (served by the fake as a compatible server would) keeps PNGs small: the floor is the requests, not decoding.
export OPENAI_IMAGE_MODEL=dall-e-2 IMAGE_CONCURRENCY=8
ratios=()
for run in 1 2 3; do
    SPOOL="$WORK/remote-$run"
    cat > "$WORK/remote.json" <<JSON
{"task_id": "bench-remote-$run", "count": 16, "images": {"size": "256x256"}}
JSON
    "$BIN" submit --spool "$SPOOL" "$WORK/remote.json" >/dev/null
    "$BIN" run --drain --spool "$SPOOL" 2> "$WORK/remote-$run.log"
    secs=$(grep -o 'image stage done in [0-9.]*' "$WORK/remote-$run.log" | awk '{print $5}')
    ratio=$(python3 -c "print(f'{$secs / 0.8:.3f}')")
    ratios+=("$ratio")
    echo "run $run: image stage ${secs} s for 16 personas (32 image requests), floor 0.800 s, ratio $ratio"
done
best=$(printf '%s\n' "${ratios[@]}" | sort -n | head -1)
verdict=$(python3 -c "print('met' if $best <= 1.15 else 'MISSED')")
echo "best ratio $best (target <= 1.15): $verdict"
