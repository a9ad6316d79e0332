#!/usr/bin/env bash
# Hosts sharing one spool (issue 13, part 3): processors in their own network
# namespaces (ip netns, veth pairs) reaching a real PostgreSQL and the fake
# image server over the veth, with leases in PostgreSQL, flock disabled and
# RENAME_NOREPLACE failing as on NFS, and faults at random moments from a
# printed seed. Checks, at the end: one final folder and one index row per
# task, paid requests, fencing, the index against a rebuild (Tests/hosts/).
#
# Usage: scripts/hosts.sh bench [--tasks 36] …   the measurements (Tests/hosts/bench.py; `make bench`)
#        scripts/hosts.sh [--seed N] [--hosts 3] [--tasks 12] [--personas 2] [--faults 5]
#                         [--lease 6] [--latency 1-2] [--no-leases] [--keep] …  (--help: all)
#   env: AVATAR_SPOOL_BIN (default .build/debug/avatar-spool)
#        AVATAR_REQUIRE_HOSTS=1: fail, not skip, when not root (make test sets it as root)
# Needs root (ip netns), iproute2, Debian's postgresql and postgresql-client.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=${AVATAR_SPOOL_BIN:-$(pwd)/.build/debug/avatar-spool}

if [ "$(id -u)" != 0 ] && sudo -n true 2>/dev/null; then
    exec sudo -n env AVATAR_SPOOL_BIN="$BIN" AVATAR_REQUIRE_HOSTS="${AVATAR_REQUIRE_HOSTS:-0}" bash scripts/hosts.sh "$@"
fi
if [ "$(id -u)" != 0 ]; then
    echo "hosts: skipped: network namespaces need root (run as root, or with sudo that asks no password)" >&2
    [ "${AVATAR_REQUIRE_HOSTS:-0}" = 1 ] && exit 1
    exit 0
fi
for tool in ip psql; do
    command -v "$tool" >/dev/null || { echo "hosts: $tool not found (make test-deps installs iproute2, postgresql-client)" >&2; exit 2; }
done
[ -x "$BIN" ] || { echo "hosts: $BIN not found; run swift build first" >&2; exit 2; }
BIN=$(realpath "$BIN")

# The backstop clean-up, should the driver itself be killed: its processors
# (pids it recorded), its PostgreSQL, its namespaces and veths (named after TAG).
TAG=$(printf '%04x' $((RANDOM * 2 % 65536)))
WORK=$(mktemp -d /tmp/avatar-hosts.XXXXXX)
backstop() {
    if [ -s "$WORK/pids" ]; then
        while read -r pid; do kill -CONT "$pid" 2>/dev/null; kill -KILL "$pid" 2>/dev/null; done <"$WORK/pids"
    fi
    [ -d "$WORK/pg" ] && bash scripts/postgres.sh stop "$WORK/pg" >/dev/null 2>&1
    for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep "^avh-$TAG-"); do ip netns del "$ns" 2>/dev/null; done
    for link in $(ip -o link show 2>/dev/null | awk -F': ' '{print $2}' | cut -d@ -f1 | grep "^avh${TAG}r"); do
        ip link del "$link" 2>/dev/null
    done
    # The driver removes the folder when every check passed, and keeps it otherwise.
    if [ -d "$WORK" ] && [ -z "$(ls -A "$WORK" 2>/dev/null)" ]; then rmdir "$WORK"; fi
    return 0
}
trap backstop EXIT
export PYTHONDONTWRITEBYTECODE=1  # no __pycache__ in the source tree
DRIVER=Tests/hosts/hosts.py
if [ "${1:-}" = bench ]; then DRIVER=Tests/hosts/bench.py; shift; fi
python3 "$DRIVER" --bin "$BIN" --tag "$TAG" --work "$WORK" "$@"
