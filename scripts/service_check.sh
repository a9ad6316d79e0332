#!/usr/bin/env bash
# Part of `make test` (issue 9): the unit file (systemd-analyze verify and the
# security rating), make install/uninstall into a staging root (and, as root,
# the system user and the spool), the example environment file against the
# README, and the metrics through promtool and a real node_exporter textfile
# collector. Prints "N passed, N failed"; exits 1 on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN="${1:-.build/debug/avatar-spool}"
BIN="$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")"
WORK="$(mktemp -d /tmp/avatar-service-check.XXXXXX)"
EXPORTER_PID=""; PROC_PID=""
cleanup() {
    [ -n "$EXPORTER_PID" ] && kill "$EXPORTER_PID" 2>/dev/null
    [ -n "$PROC_PID" ] && kill -9 "$PROC_PID" 2>/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT
passed=0; failed=0
ok() { echo "ok   $*"; passed=$((passed + 1)); }
bad() { echo "FAIL $*"; failed=$((failed + 1)); }
check() { local what=$1; shift; if "$@" >"$WORK/out" 2>&1; then ok "$what"; else bad "$what"; sed 's/^/     /' "$WORK/out" | tail -20; fi; }

# --- the unit ---------------------------------------------------------------
sed "s|/usr/local/bin/avatar-spool|$BIN|" contrib/systemd/avatar-spool.service > "$WORK/avatar-spool.service"
check "systemd-analyze verify accepts the unit" systemd-analyze verify --man=no "$WORK/avatar-spool.service"
rating=$(systemd-analyze security --offline=true "$WORK/avatar-spool.service" 2>/dev/null | sed -n 's/.*Overall exposure level for avatar-spool.service: \([0-9.]*\).*/\1/p')
check "systemd-analyze security rates the unit 2.0 or lower (got ${rating:-none})" \
    systemd-analyze security --offline=true --threshold=20 "$WORK/avatar-spool.service"
grace=$(sed -n 's/^# AVATAR_GRACE=\([0-9]*\).*/\1/p' contrib/avatar-spool.env)
stop=$(sed -n 's/^TimeoutStopSec=\([0-9]*\)$/\1/p' contrib/systemd/avatar-spool.service)
check "TimeoutStopSec ($stop s) is longer than the default grace ($grace s)" test "$stop" -gt "$grace"
for key in Type=notify WatchdogSec= Restart=on-failure EnvironmentFile= ProtectSystem=strict CapabilityBoundingSet=; do
    check "the unit sets $key" grep -q "^$key" contrib/systemd/avatar-spool.service
done

# --- the example environment file lists every README variable ---------------
missing=""
for v in $(sed -n '/^## Configuration/,/^## /p' README.md | grep '^| `' | grep -o '`[A-Z][A-Z0-9_]*`' | tr -d '`' | sort -u); do
    grep -q "^# $v=" contrib/avatar-spool.env || missing="$missing $v"
done
check "contrib/avatar-spool.env lists every variable of the README's table${missing:+ (missing:$missing)}" test -z "$missing"

# --- make install / uninstall into a staging root ---------------------------
MANSRC="$WORK/man"; mkdir -p "$MANSRC"
if swift build --product generate-manual >"$WORK/gm.log" 2>&1 && \
   "$(dirname "$BIN")/generate-manual" "$BIN" --multi-page --output-directory "$MANSRC" >"$WORK/gm.log" 2>&1; then
    ok "argument-parser's generate-manual makes $(ls "$MANSRC" | wc -l) man pages"
else
    bad "generate-manual"; tail -5 "$WORK/gm.log"
fi
STAGE="$WORK/stage"
check "install into DESTDIR" env DESTDIR="$STAGE" PREFIX=/usr bash scripts/install.sh install "$BIN" "$MANSRC"
for f in /usr/bin/avatar-spool /usr/share/man/man1/avatar-spool.1 /usr/share/man/man1/avatar-spool.run.1 \
         /usr/share/bash-completion/completions/avatar-spool /usr/share/zsh/site-functions/_avatar-spool \
         /usr/share/fish/vendor_completions.d/avatar-spool.fish /usr/lib/systemd/system/avatar-spool.service; do
    check "installed $f" test -s "$STAGE$f"
done
check "the installed unit runs the installed binary" grep -q "^ExecStart=/usr/bin/avatar-spool run" "$STAGE/usr/lib/systemd/system/avatar-spool.service"
check "the environment file is 0640" test "$(stat -c %a "$STAGE/etc/avatar-spool/avatar-spool.env")" = 640
echo "AVATAR_GRACE=30 # the operator's" >> "$STAGE/etc/avatar-spool/avatar-spool.env"
env DESTDIR="$STAGE" PREFIX=/usr bash scripts/install.sh install "$BIN" "$MANSRC" > "$WORK/second" 2>&1
check "a second install changes nothing and keeps the operator's environment file" \
    bash -c "! grep -q '^  installed' '$WORK/second' && grep -q 'AVATAR_GRACE=30' '$STAGE/etc/avatar-spool/avatar-spool.env'"
env DESTDIR="$STAGE" PREFIX=/usr bash scripts/install.sh uninstall > "$WORK/uninstall" 2>&1
check "uninstall removes what install added" bash -c "[ -z \"\$(find '$STAGE/usr' -type f)\" ]"
check "uninstall keeps the environment file" test -f "$STAGE/etc/avatar-spool/avatar-spool.env"

# As root (CI, a fresh machine): the system user and group and the spool.
if [ "$(id -u)" = 0 ]; then
    ROOTED="$WORK/rooted"; chmod 0755 "$WORK"  # the service user must reach the staged binary
    env PREFIX="$ROOTED/usr" SYSCONFDIR="$ROOTED/etc" SPOOLDIR="$ROOTED/spool" \
        bash scripts/install.sh install "$BIN" "$MANSRC" > "$WORK/root1" 2>&1
    check "as root: the system user and group avatar-spool exist" bash -c "getent passwd avatar-spool && getent group avatar-spool"
    check "as root: the spool is 0750, owned by avatar-spool" test "$(stat -c '%a %U %G' "$ROOTED/spool")" = "750 avatar-spool avatar-spool"
    check "as root: pending/ and tmp/ are group-writable (setgid)" \
        bash -c "[ \"\$(stat -c %a '$ROOTED/spool/pending')\" = 2770 ] && [ \"\$(stat -c %a '$ROOTED/spool/tmp')\" = 2770 ]"
    check "as root: the environment file is root:avatar-spool 0640" test "$(stat -c '%a %G' "$ROOTED/etc/avatar-spool/avatar-spool.env")" = "640 avatar-spool"
    check "as root: install is idempotent" env PREFIX="$ROOTED/usr" SYSCONFDIR="$ROOTED/etc" SPOOLDIR="$ROOTED/spool" \
        bash scripts/install.sh install "$BIN" "$MANSRC"
    runuser -u avatar-spool -- "$ROOTED/usr/bin/avatar-spool" submit --spool "$ROOTED/spool" examples/lagos-nurses.json > /dev/null 2>&1
    check "as root: the service user processes a task in the installed spool" bash -c \
        "runuser -u avatar-spool -- '$ROOTED/usr/bin/avatar-spool' run --drain --spool '$ROOTED/spool' && [ -d '$ROOTED/spool/completed/lagos-nurses' ]"
fi

# --- metrics: promtool and node_exporter's textfile collector ----------------
TEXTFILE="$WORK/textfile"; SPOOL="$WORK/spool"; mkdir -p "$TEXTFILE"
AVATAR_SPOOL_DIR="$SPOOL" "$BIN" submit examples/lagos-nurses.json > /dev/null 2>&1
AVATAR_SPOOL_DIR="$SPOOL" AVATAR_METRICS_FILE="$TEXTFILE/avatar_spool.prom" "$BIN" run --drain > "$WORK/run.log" 2>&1
check "a drained run leaves the metrics file" test -s "$TEXTFILE/avatar_spool.prom"
check "promtool check metrics accepts the file" bash -c "promtool check metrics < '$TEXTFILE/avatar_spool.prom'"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
prometheus-node-exporter --web.listen-address="127.0.0.1:$port" --collector.disable-defaults \
    --collector.textfile --collector.textfile.directory="$TEXTFILE" > "$WORK/exporter.log" 2>&1 &
EXPORTER_PID=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/metrics" > "$WORK/scrape" 2>/dev/null && break; sleep 0.1; done
check "node_exporter's textfile collector reads it without error" grep -q '^node_textfile_scrape_error 0' "$WORK/scrape"
check "node_exporter serves avatar_tasks_finished_total" grep -q '^avatar_tasks_finished_total{status="completed"} 1' "$WORK/scrape"
check "node_exporter serves avatar_spool_tasks" grep -q '^avatar_spool_tasks{folder="completed"} 1' "$WORK/scrape"

# The listener, scraped while the processor runs.
lport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
AVATAR_SPOOL_DIR="$SPOOL" AVATAR_METRICS_LISTEN="127.0.0.1:$lport" "$BIN" run > "$WORK/listen.log" 2>&1 &
PROC_PID=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$lport/metrics" > "$WORK/live" 2>/dev/null && break; sleep 0.1; done
check "promtool check metrics accepts AVATAR_METRICS_LISTEN's /metrics" bash -c "promtool check metrics < '$WORK/live' && grep -q avatar_spool_tasks '$WORK/live'"
kill -TERM "$PROC_PID"; wait "$PROC_PID" 2>/dev/null; PROC_PID=""

echo "service checks: $passed ok, $failed failed"
[ "$failed" = 0 ]
