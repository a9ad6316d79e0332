#!/usr/bin/env bash
# Upload throughput of one persona's five files (a 1024x1024 base.png and four
# 512x512 images) against a local SeaweedFS: avatar-spool's S3Store beside
# `aws s3 cp` of the same files, in the same run.
#
#   scripts/s3_throughput.sh [ROUNDS]        (default 10)
#   CONFIG=release scripts/s3_throughput.sh  measure an optimised build
#                                            (builds the release tests first)
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS="${1:-10}"
CONFIG="${CONFIG:-debug}"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/avatar-s3-throughput.XXXXXX")"
export AWS_ACCESS_KEY_ID=avatar-bench-access AWS_SECRET_ACCESS_KEY=avatar-bench-secret AWS_DEFAULT_REGION=us-east-1
cleanup() { scripts/seaweedfs.sh stop "$WORK/s3" || true; rm -rf "$WORK"; }
trap cleanup EXIT

# PNG files of realistic sizes: smooth colour fields with noise, so zlib
# compresses them about as much as it does a rendered face.
python3 - "$WORK/files" <<'PY'
import os, random, struct, sys, zlib
out = sys.argv[1]; os.makedirs(out)
def png(path, w, h, seed):
    rnd = random.Random(seed)
    rows = bytearray()
    for y in range(h):
        rows.append(0)
        for x in range(w):
            rows += bytes(((x * 255 // w + rnd.randrange(2)) & 255, (y * 255 // h + rnd.randrange(2)) & 255, (seed * 40 + rnd.randrange(2)) & 255))
    def chunk(t, d): return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
    data = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(bytes(rows), 6)) + chunk(b"IEND", b"")
    open(path, "wb").write(data)
png(f"{out}/base.png", 1024, 1024, 1)
for i in range(4): png(f"{out}/image_{i}.png", 512, 512, 2 + i)
PY
BYTES=$(cat "$WORK"/files/*.png | wc -c)
echo "files: $(ls "$WORK/files" | tr '\n' ' ')($BYTES bytes)"

eval "$(scripts/seaweedfs.sh start "$WORK/s3" | grep '^S3_ENDPOINT=')"
echo "server: $S3_ENDPOINT (SeaweedFS $(.local/seaweedfs/bin/weed version 2>/dev/null | awk '{print $3}'))"

if [ "$CONFIG" = release ]; then
    swift build -c release --build-tests -Xswiftc -enable-testing >/dev/null
else
    swift build --build-tests >/dev/null
fi
AVATAR_TEST_S3_ENDPOINT="$S3_ENDPOINT" AVATAR_TEST_S3_ACCESS="$AWS_ACCESS_KEY_ID" AVATAR_TEST_S3_SECRET="$AWS_SECRET_ACCESS_KEY" \
AVATAR_S3_THROUGHPUT_DIR="$WORK/files" AVATAR_S3_THROUGHPUT_ROUNDS="$ROUNDS" AVATAR_S3_THROUGHPUT_OUT="$WORK/swift.txt" \
    swift test -c "$CONFIG" --skip-build --filter S3ThroughputTests >"$WORK/test.log" 2>&1 \
    || { tail -30 "$WORK/test.log"; exit 1; }
echo "$(cat "$WORK/swift.txt") [$CONFIG build]"

# aws s3 cp of the same five files (one `aws` process per persona, as a
# script would run it; its parallel transfers are on by default).
aws --endpoint-url "$S3_ENDPOINT" s3 cp "$WORK/files" "s3://avatar-images/aws-bench/warmup/" --recursive --quiet
times=()
for r in $(seq 1 "$ROUNDS"); do
    t0=$(date +%s%N)
    aws --endpoint-url "$S3_ENDPOINT" s3 cp "$WORK/files" "s3://avatar-images/aws-bench/persona_$r/" --recursive --quiet
    t1=$(date +%s%N)
    times+=($(( (t1 - t0) / 1000 )))
done
python3 - "$BYTES" "${times[@]}" <<'PY'
import sys
b = int(sys.argv[1]); t = sorted(int(x) / 1e6 for x in sys.argv[2:]); m = t[len(t) // 2]
print(f"aws s3 cp --recursive: {len(t)} rounds, median {m*1000:.1f} ms per persona (5 files, {b/1e6:.2f} MB), {b/1e6/m:.1f} MB/s, {5/m:.1f} files/s")
PY
# For scale: what one `aws` process costs before any upload (start-up plus one request).
t0=$(date +%s%N)
aws --endpoint-url "$S3_ENDPOINT" s3 ls "s3://avatar-images/aws-bench/none/" >/dev/null || true
t1=$(date +%s%N)
echo "aws s3 ls (start-up + one request): $(( (t1 - t0) / 1000000 )) ms"
