#!/usr/bin/env bash
# `make bench`: speed and memory targets, measured (never asserted in unit tests).
#  1. builtin pipeline: one task of 20 personas at 1024x1024, offline; wall time,
#     personas per second, peak RSS of the processor.
#  2. remote image provider against the loopback fake answering in 200 ms:
#     16 personas at concurrency 8; wall time of the image stage over the floor
#     (16 personas x 2 requests / 8 x 200 ms = 0.8 s); target <= 1.15.
#  4-5. thumbnails + contact sheet overhead, the spool page for 10 000 tasks
#     (scripts/bench_gallery.sh).
#  6. memory: 20,000 data-only tasks through one processor; RSS after 1,000 and
#     after 20,000 (goal: within 10 % of each other, at most 100 MiB).
#  7. `avatar-spool split` beside ImageMagick on a photo-like grid: time and
#     output size ratios, and peak memory on a 4096x4096 grid (scripts/bench_split.sh).
#  8. three hosts (network namespaces, leases in PostgreSQL) on one spool, the fake at
#     2 s per image, IMAGE_CONCURRENCY 4 each: throughput against one host (target
#     >= 2.7x); seconds from a host's SIGKILL, and from its partition, to its task
#     resuming on another host (target <= lease + one rescan interval)
#     (scripts/hosts.sh bench; needs root).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${1:-.build/release/avatar-spool}"
WORK="$(mktemp -d /tmp/avatar-bench.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT

echo "== 1. builtin pipeline, 20 personas at 1024x1024"
cat > "$WORK/bench.json" <<JSON
{"task_id": "bench-builtin", "count": 20, "persona": {"country": "DE"}, "images": {"size": "1024x1024"}}
JSON
"$BIN" submit --spool "$WORK/spool" "$WORK/bench.json" >/dev/null
python3 - "$BIN" "$WORK/spool" <<'PY'
import resource, subprocess, sys, time
binary, spool = sys.argv[1], sys.argv[2]
t0 = time.monotonic()
subprocess.run([binary, "run", "--drain", "--spool", spool, "--log-level", "warning"], check=True)
wall = time.monotonic() - t0
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(f"wall {wall:.2f} s, {20 / wall:.1f} personas/s, peak RSS {rss:.0f} MiB (IMAGE_CONCURRENCY default 4, 2 cores)")
PY

if [ -f scripts/bench_remote.sh ]; then
    echo
    echo "== 2. OpenAI image provider against the 200 ms loopback fake"
    bash scripts/bench_remote.sh "$BIN" "$WORK"
fi

if [ "${BENCH_S3:-1}" = 1 ]; then
    echo
    echo "== 3. S3 upload of one persona's five files: S3Store beside aws s3 cp (local SeaweedFS)"
    if command -v aws >/dev/null; then
        CONFIG=release bash scripts/s3_throughput.sh 10 | tail -4
    else
        echo "(skipped: awscli is not installed; pip install awscli to compare)"
    fi
fi

echo
bash scripts/bench_gallery.sh "$BIN" "$WORK"

echo
echo "== 6. memory: 20,000 data-only tasks through one processor"
nice -n 5 python3 scripts/bench_memory.py "$BIN" "$WORK" "${BENCH_MEMORY_TASKS:-20000}"

echo
echo "== 7. split and trim beside ImageMagick"
bash scripts/bench_split.sh "$BIN" "$WORK"

echo
echo "== 8. hosts sharing one spool: three against one, and failover"
AVATAR_SPOOL_BIN="$BIN" nice -n 5 bash scripts/hosts.sh bench
