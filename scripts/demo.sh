#!/usr/bin/env bash
# `make demo`: a fresh spool, the example tasks submitted, the processor run
# until they are done (offline: built-in providers), uploads to a local S3
# server (SeaweedFS) unless S3_ENDPOINT already names one, then the status.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${1:-.build/release/avatar-spool}"
SPOOL="$PWD/demo-spool"
S3DIR="$PWD/.local/demo-s3"

rm -rf "$SPOOL"
if [ -z "${S3_ENDPOINT:-}" ] && [ "${DEMO_S3:-1}" = 1 ]; then
    if bash scripts/seaweedfs.sh install && eval "$(bash scripts/seaweedfs.sh start "$S3DIR" | grep '^S3_ENDPOINT=')"; then
        trap 'bash scripts/seaweedfs.sh stop "$S3DIR" >/dev/null 2>&1 || true' EXIT
        export S3_ENDPOINT
        export S3_ACCESS_KEY="${AWS_ACCESS_KEY_ID:-avatar-test-access}"
        export S3_SECRET_KEY="${AWS_SECRET_ACCESS_KEY:-avatar-test-secret}"
        export S3_BUCKET_NAME=avatar-images
        echo "local S3 server (SeaweedFS) at $S3_ENDPOINT"
    else
        echo "no local S3 server could be started: storing in the spool only"
    fi
fi

tasks=$(ls examples/*.json | grep -v 'schema')
"$BIN" submit --spool "$SPOOL" $tasks
"$BIN" run --drain --spool "$SPOOL" 2> "$SPOOL/processor.log" || { tail -20 "$SPOOL/processor.log"; exit 1; }
echo
"$BIN" status --spool "$SPOOL"
echo
echo "processor log: $SPOOL/processor.log ($(grep -c 'Step 2/7' "$SPOOL/processor.log") base images, $(grep -c 'Step 4/7' "$SPOOL/processor.log") grids)"
echo "outputs:       $SPOOL/completed/"
ls -d "$SPOOL"/completed/* | sed 's/^/  /'
first=$(ls -d "$SPOOL"/completed/* | head -1)
url=$(grep -o '"base" : "[^"]*"' "$first/persona_1/urls.json" | cut -d'"' -f4)
echo "one image:     $url"
if [[ "$url" == http* ]]; then
    # A signed GET of the object, as any S3 client would make it.
    got=$(curl -s -o /dev/null -w '%{http_code}, %{size_download} bytes' \
        --aws-sigv4 "aws:amz:${S3_REGION:-us-east-1}:s3" --user "$S3_ACCESS_KEY:$S3_SECRET_KEY" "$url" || true)
    echo "               (signed GET: HTTP $got; the bucket is private unless made public)"
fi
echo "index:         sqlite3 $SPOOL/index.sqlite \"SELECT firstname, lastname, base_image_url FROM generation_results\""
echo "export:        $BIN export --spool $SPOOL > personas.csv"
echo
echo "gallery (open in a browser):"
"$BIN" gallery --spool "$SPOOL" 2>/dev/null
