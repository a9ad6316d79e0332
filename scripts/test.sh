#!/usr/bin/env bash
# `make test`: builds, starts a local S3 server (SeaweedFS) for the S3
# tests and a local PostgreSQL for the PostgreSQL index tests, runs every
# test, stops both servers whatever happens; then the service checks and
# the hosts run (scripts/hosts.sh, which starts and stops its own servers).
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --build-tests

S3DIR="$(mktemp -d /tmp/avatar-s3.XXXXXX)"
if bash scripts/seaweedfs.sh install && out=$(bash scripts/seaweedfs.sh start "$S3DIR"); then
    trap 'bash scripts/seaweedfs.sh stop "$S3DIR" >/dev/null 2>&1 || true; rm -rf "$S3DIR"' EXIT  # until the PostgreSQL trap below
    export AVATAR_TEST_S3_ENDPOINT=$(echo "$out" | grep '^S3_ENDPOINT=' | cut -d= -f2-)
    export AVATAR_TEST_S3_ACCESS="${AWS_ACCESS_KEY_ID:-avatar-test-access}"
    export AVATAR_TEST_S3_SECRET="${AWS_SECRET_ACCESS_KEY:-avatar-test-secret}"
    export AVATAR_TEST_S3_DIR="$S3DIR"
    echo "S3 tests use SeaweedFS at $AVATAR_TEST_S3_ENDPOINT"
else
    echo "SeaweedFS could not be started; the S3 suite starts its own or fails" >&2
fi
PGDIR="$(mktemp -d /tmp/avatar-pg.XXXXXX)"
stop_all() {
    bash scripts/postgres.sh stop "$PGDIR" >/dev/null 2>&1 || true
    rm -rf "$PGDIR"
    bash scripts/seaweedfs.sh stop "$S3DIR" >/dev/null 2>&1 || true
    rm -rf "$S3DIR"
}
trap stop_all EXIT
if out=$(bash scripts/postgres.sh start "$PGDIR"); then
    export AVATAR_TEST_PG_URL=$(echo "$out" | grep '^PG_URL=' | cut -d= -f2-)
    export AVATAR_TEST_PG_DIR="$PGDIR"
    echo "PostgreSQL tests use the server in $PGDIR"
else
    echo "PostgreSQL could not be started; the PostgreSQL index tests will fail" >&2
    exit 1
fi
swift test --skip-build "$@"
# Issue 9: the unit, install, the env file, metrics through promtool and node_exporter.
bash scripts/service_check.sh .build/debug/avatar-spool
# Issue 13: three hosts (network namespaces) on one spool with leases in PostgreSQL,
# flock off and RENAME_NOREPLACE failing as on NFS, five faults from a printed seed.
bash scripts/hosts.sh --hosts 3 --tasks 12 --personas 2 --lease 6 --latency 1-2 --faults 5
