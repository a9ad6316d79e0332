#!/usr/bin/env bash
# A local PostgreSQL server for tests and measurements (Debian's server
# binaries, package postgresql, installed by `make test`).
#
#   scripts/postgres.sh start DIR   initdb in DIR/data (first time), starts the server on
#                                   127.0.0.1 on a free port (the same port again when
#                                   restarted in the same DIR), waits until it answers,
#                                   prints PG_URL=postgresql://avatar:PASSWORD@127.0.0.1:PORT/postgres
#   scripts/postgres.sh stop DIR    stops it (pg_ctl stop -m fast)
#   scripts/postgres.sh restart DIR [--mode immediate|fast]
#                                   pg_ctl restart with the same options (a crash and
#                                   recovery with immediate: scripts/hosts.sh's fault)
#
#   start options (scripts/hosts.sh uses them to serve network namespaces over veth pairs):
#     --listen ADDR[,ADDR…]   listen on these addresses too (beside 127.0.0.1); they must exist
#     --allow CIDR            accept password (scram-sha-256) logins from CIDR too (repeatable)
#
# PostgreSQL refuses to run as root: when we are root, the server runs as the
# unprivileged system user avatar-pg (created when missing) and DIR is given to it.
# TCP logins need the password (scram-sha-256), so tests see real authentication.
set -euo pipefail

PGUSER_OS="${AVATAR_PG_OS_USER:-avatar-pg}"
PASSWORD="${AVATAR_PG_PASSWORD:-avatar-test-pw}"
die() { echo "postgres.sh: $*" >&2; exit 1; }

bindir() {
    local d
    d="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
    [ -x "$d/initdb" ] || die "no PostgreSQL server binaries under /usr/lib/postgresql (install Debian's postgresql: make test-deps)"
    echo "$d"
}

# Runs a command as the server's user (ourselves unless we are root).
as_owner() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u "$PGUSER_OS" -- "$@"
    else
        "$@"
    fi
}

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

start() {
    local dir="${1:?usage: postgres.sh start DIR [--listen ADDR,…] [--allow CIDR]…}"; shift
    local listen="127.0.0.1" allow=()
    while [ $# -gt 0 ]; do
        case "$1" in
            --listen) listen="127.0.0.1,${2:?--listen needs addresses}"; shift 2 ;;
            --allow) allow+=("${2:?--allow needs a CIDR}"); shift 2 ;;
            *) die "unknown start option: $1 (use --listen ADDR,… or --allow CIDR)" ;;
        esac
    done
    local bin; bin="$(bindir)"
    mkdir -p "$dir"
    dir="$(cd "$dir" && pwd)"
    if [ "$(id -u)" = 0 ]; then
        id -u "$PGUSER_OS" >/dev/null 2>&1 ||
            useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$PGUSER_OS"
        chown "$PGUSER_OS" "$dir"
    fi
    [ -s "$dir/port" ] || free_port >"$dir/port"
    local port; port="$(cat "$dir/port")"
    if [ ! -f "$dir/data/PG_VERSION" ]; then
        printf '%s\n' "$PASSWORD" >"$dir/pwfile"
        [ "$(id -u)" = 0 ] && chown "$PGUSER_OS" "$dir/pwfile"
        as_owner "$bin/initdb" -D "$dir/data" -U avatar --pwfile="$dir/pwfile" \
            --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
            { tail -20 "$dir/initdb.log" >&2; die "initdb failed (log: $dir/initdb.log)"; }
        rm -f "$dir/pwfile"
    fi
    local cidr
    for cidr in "${allow[@]}"; do
        grep -qF "host all all $cidr scram-sha-256" "$dir/data/pg_hba.conf" ||
            echo "host all all $cidr scram-sha-256" >>"$dir/data/pg_hba.conf"
    done
    if ! as_owner "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
        as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
            -o "-p $port -k $dir -c listen_addresses=$listen -c fsync=off" start >/dev/null ||
            { tail -20 "$dir/server.log" >&2; die "the server did not start (log: $dir/server.log)"; }
    fi
    echo "PG_URL=postgresql://avatar:$PASSWORD@127.0.0.1:$port/postgres"
}

stop() {
    local dir="${1:?usage: postgres.sh stop DIR}"
    [ -f "$dir/data/PG_VERSION" ] || return 0
    local bin; bin="$(bindir)"
    as_owner "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1 || return 0
    as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
}

restart() {
    local dir="${1:?usage: postgres.sh restart DIR [--mode immediate|fast]}" mode=fast
    [ "${2:-}" = --mode ] && mode="${3:?--mode needs immediate or fast}"
    local bin; bin="$(bindir)"
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -m "$mode" -w -t 60 restart >/dev/null ||
        { tail -20 "$dir/server.log" >&2; die "the server did not restart (log: $dir/server.log)"; }
}

case "${1:-}" in
    start) shift; start "$@" ;;
    stop) stop "${2:-}" ;;
    restart) shift; restart "$@" ;;
    *) echo "usage: $0 start DIR [--listen ADDR,…] [--allow CIDR]… | stop DIR | restart DIR [--mode immediate|fast]" >&2; exit 2 ;;
esac
