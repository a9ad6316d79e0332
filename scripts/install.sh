#!/usr/bin/env bash
# `make install` / `make uninstall` (see README, "Running as a service").
#   install.sh install BINARY MANDIR_SRC   — MANDIR_SRC holds the generated *.1 pages
#   install.sh uninstall
# PREFIX (default /usr/local), DESTDIR (staging root), SYSCONFDIR (/etc),
# SPOOLDIR (/var/spool/avatar-spool). Idempotent. As root and without
# DESTDIR it also creates the system user and group avatar-spool and the
# spool. Uninstall never removes the spool or the environment file.
set -euo pipefail
cd "$(dirname "$0")/.."

PREFIX="${PREFIX:-/usr/local}"
DESTDIR="${DESTDIR:-}"
SYSCONFDIR="${SYSCONFDIR:-/etc}"
SPOOLDIR="${SPOOLDIR:-/var/spool/avatar-spool}"
BINDIR="$PREFIX/bin"
MAN1DIR="$PREFIX/share/man/man1"
UNITDIR="${UNITDIR:-$PREFIX/lib/systemd/system}"
BASHDIR="$PREFIX/share/bash-completion/completions"
ZSHDIR="$PREFIX/share/zsh/site-functions"
FISHDIR="$PREFIX/share/fish/vendor_completions.d"
ENVFILE="$SYSCONFDIR/avatar-spool/avatar-spool.env"
NAME=avatar-spool

say() { echo "  $*"; }

# Copies $1 to $DESTDIR$2 with mode $3 when missing or different.
put() {
    local src=$1 dst="$DESTDIR$2" mode=$3
    install -d -m 0755 "$(dirname "$dst")"
    if [ -f "$dst" ] && cmp -s "$src" "$dst"; then
        chmod "$mode" "$dst"; say "unchanged $2"
    else
        install -m "$mode" "$src" "$dst"; say "installed $2"
    fi
}

do_install() {
    local binary=$1 mansrc=$2 work
    work=$(mktemp -d); trap 'rm -rf "$work"' RETURN
    put "$binary" "$BINDIR/$NAME" 0755
    for page in "$mansrc"/*.1; do put "$page" "$MAN1DIR/$(basename "$page")" 0644; done
    "$binary" --generate-completion-script bash > "$work/bash"
    "$binary" --generate-completion-script zsh > "$work/zsh"
    "$binary" --generate-completion-script fish > "$work/fish"
    put "$work/bash" "$BASHDIR/$NAME" 0644
    put "$work/zsh" "$ZSHDIR/_$NAME" 0644
    put "$work/fish" "$FISHDIR/$NAME.fish" 0644
    sed -e "s|/usr/local/bin/avatar-spool|$BINDIR/$NAME|" \
        -e "s|/var/spool/avatar-spool|$SPOOLDIR|g" \
        -e "s|/etc/avatar-spool/avatar-spool.env|$ENVFILE|" contrib/systemd/$NAME.service > "$work/unit"
    put "$work/unit" "$UNITDIR/$NAME.service" 0644
    local root_run=no
    [ "$(id -u)" = 0 ] && [ -z "$DESTDIR" ] && root_run=yes
    if [ $root_run = yes ]; then
        getent group $NAME >/dev/null || { groupadd --system $NAME; say "created group $NAME"; }
        getent passwd $NAME >/dev/null || {
            useradd --system --gid $NAME --home-dir "$SPOOLDIR" --no-create-home \
                --shell /usr/sbin/nologin --comment "avatar-spool processor" $NAME
            say "created user $NAME"
        }
    fi
    # The environment file: never overwritten (it holds the operator's keys).
    local envdst="$DESTDIR$ENVFILE"
    install -d -m 0750 "$(dirname "$envdst")"
    if [ -e "$envdst" ]; then
        say "kept $ENVFILE (exists)"
    else
        install -m 0640 contrib/$NAME.env "$envdst"; say "installed $ENVFILE (0640)"
    fi
    if [ $root_run = yes ]; then
        chgrp $NAME "$(dirname "$envdst")" "$envdst"
        # The spool: 0750, pending/ and tmp/ group-writable (setgid) for submitters.
        install -d -m 0750 -o $NAME -g $NAME "$SPOOLDIR"
        for d in generating-data data-generated generating-images completed failed hold objects; do
            install -d -m 0750 -o $NAME -g $NAME "$SPOOLDIR/$d"
        done
        for d in pending tmp; do install -d -m 2770 -o $NAME -g $NAME "$SPOOLDIR/$d"; done
        say "spool $SPOOLDIR (owner $NAME; pending/ and tmp/ group-writable)"
        command -v systemctl >/dev/null && [ -d /run/systemd/system ] && systemctl daemon-reload || true
    fi
}

do_uninstall() {
    local f
    for f in "$BINDIR/$NAME" "$BASHDIR/$NAME" "$ZSHDIR/_$NAME" "$FISHDIR/$NAME.fish" "$UNITDIR/$NAME.service" \
             "$MAN1DIR/$NAME.1"; do
        [ -e "$DESTDIR$f" ] || continue
        rm -f "$DESTDIR$f"; say "removed $f"
    done
    for f in "$DESTDIR$MAN1DIR"/$NAME.*.1; do
        [ -e "$f" ] || continue
        rm -f "$f"; say "removed ${f#"$DESTDIR"}"
    done
    [ -e "$DESTDIR$ENVFILE" ] && say "kept $ENVFILE and the spool $SPOOLDIR (remove them by hand)"
    true
}

case "${1:-}" in
    install) shift; do_install "$@" ;;
    uninstall) do_uninstall ;;
    *) echo "usage: $0 install BINARY MANPAGES_DIR | uninstall" >&2; exit 2 ;;
esac
