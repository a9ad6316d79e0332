#!/usr/bin/env bash
# Crash torture (issue 5): runs the processor on TASKS tasks with a slow
# fake image provider (the builtin one with AVATAR_BUILTIN_IMAGE_DELAY_MS),
# kill -9s it KILLS times at random moments, restarting it each time, lets
# it finish with `run --drain`, then checks the spool and prints figures:
#
#   - every task is in exactly one terminal folder (and all completed);
#   - every completed persona has all its files, each PNG valid;
#   - index.sqlite equals what `reindex` builds;
#   - image requests ("Step 2/7" base, "Step 4/7" grid, logged before each
#     request) per persona <= 1 + kills that caught that request in flight,
#     and every extra request explained by a kill during that persona's
#     request or the write of its answer (the per-persona rule above);
#   - nothing left in tmp/, no .tmp-* half-written file anywhere.
#
# Exits non-zero when a check fails.
#
# Usage: scripts/torture.sh            (20 tasks, 30 kills)
#   env: TORTURE_TASKS=20 TORTURE_KILLS=30 TORTURE_PERSONAS=4 TORTURE_DELAY_MS=300
#        IMAGE_CONCURRENCY=2 TORTURE_MIN_SLEEP=0.2 TORTURE_MAX_SLEEP=1.5
#        TORTURE_DIR=<work folder, default a new one under /tmp; kept on failure>
#        AVATAR_SPOOL_BIN=<binary, default .build/debug/avatar-spool>
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

TASKS=${TORTURE_TASKS:-20}
KILLS=${TORTURE_KILLS:-30}
PERSONAS=${TORTURE_PERSONAS:-4}
DELAY_MS=${TORTURE_DELAY_MS:-300}
IMAGE_CONCURRENCY=${IMAGE_CONCURRENCY:-2}
MIN_SLEEP=${TORTURE_MIN_SLEEP:-0.2}
MAX_SLEEP=${TORTURE_MAX_SLEEP:-1.5}
BIN=${AVATAR_SPOOL_BIN:-$ROOT/.build/debug/avatar-spool}
WORK=${TORTURE_DIR:-$(mktemp -d /tmp/avatar-torture.XXXXXX)}
SPOOL=$WORK/spool
LOGS=$WORK/logs

if [[ ! -x $BIN ]]; then
    echo "torture: $BIN not found; run swift build first" >&2
    exit 2
fi
mkdir -p "$SPOOL" "$LOGS"

export AVATAR_SPOOL_DIR=$SPOOL
export AVATAR_BUILTIN_IMAGE_DELAY_MS=$DELAY_MS
export IMAGE_CONCURRENCY
export WORKER_INTERVAL=0.5
export AVATAR_SETTLE_SECONDS=1
export TASK_CONCURRENCY=${TASK_CONCURRENCY:-4}

# The tasks, submitted the careful way (temp name in tmp/, one rename).
"$BIN" reindex >/dev/null 2>&1 || true   # creates the spool's folders
for i in $(seq -w 1 "$TASKS"); do
    id="torture-$i"
    printf '{"task_id": "%s", "count": %d, "persona": {"country": "DE"}, "images": {"enabled": true, "size": "256x256"}}\n' \
        "$id" "$PERSONAS" > "$SPOOL/tmp/submit-$id"
    mv "$SPOOL/tmp/submit-$id" "$SPOOL/pending/$id.json"
done

# kill -9 at random moments.
killed=0
started=$(date +%s)
for n in $(seq -w 1 "$KILLS"); do
    "$BIN" run >"$LOGS/run-$n.log" 2>&1 &
    pid=$!
    sleep "$(python3 -c "import random; print(round(random.uniform($MIN_SLEEP, $MAX_SLEEP), 3))")"
    if kill -0 "$pid" 2>/dev/null; then
        kill -9 "$pid"
        wait "$pid" 2>/dev/null
        killed=$((killed + 1))
        echo "killed" >>"$LOGS/run-$n.log.killed"
    else
        wait "$pid"
        echo "torture: run $n exited by itself (status $?) before the kill" >&2
    fi
done
killing_seconds=$(( $(date +%s) - started ))

# Let it finish.
"$BIN" run --drain >"$LOGS/run-final.log" 2>&1
drain_status=$?

# Dump the index as the processor left it, then as reindex builds it
# (without id, created_at, updated_at; results keyed by the task's text id).
cat >"$WORK/dump-index.py" <<'PY'
import sqlite3, sys
db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
def dump(sql, drop):
    cur = db.execute(sql)
    cols = [d[0] for d in cur.description]
    keep = [i for i, c in enumerate(cols) if c not in drop]
    for r in sorted(repr([r[i] for i in keep]) for r in cur.fetchall()):
        print(r)
dump("SELECT * FROM generation_tasks", ("id", "created_at", "updated_at"))
dump("SELECT t.task_id AS task_text_id, r.* FROM generation_results r JOIN generation_tasks t ON t.id = r.task_id",
     ("id", "task_id", "created_at", "updated_at"))
PY
python3 "$WORK/dump-index.py" "$SPOOL/index.sqlite" >"$WORK/index-before.txt"
"$BIN" reindex >"$LOGS/reindex.log" 2>&1
reindex_status=$?
python3 "$WORK/dump-index.py" "$SPOOL/index.sqlite" >"$WORK/index-after.txt"

python3 - "$SPOOL" "$LOGS" "$WORK" "$TASKS" "$PERSONAS" "$KILLS" "$killed" "$IMAGE_CONCURRENCY" \
    "$drain_status" "$reindex_status" "$killing_seconds" <<'EOF'
import os, re, struct, sys, zlib, glob, ast

spool, logs, work = sys.argv[1:4]
tasks, personas, kills_planned, killed, conc, drain_status, reindex_status, secs = map(int, sys.argv[4:12])
stages = ["pending", "generating-data", "data-generated", "generating-images", "completed", "failed"]
failures = []
def check(ok, what):
    if not ok:
        failures.append(what)
    return ok

# --- every task in exactly one terminal folder
ids = [f"torture-{i:0{len(str(tasks))}d}" for i in range(1, tasks + 1)]
where = {}
for st in stages:
    for name in os.listdir(os.path.join(spool, st)):
        where.setdefault(name, []).append(st)
for i in ids:
    check(len(where.get(i, [])) == 1, f"{i} is in {where.get(i, [])}, not exactly one folder")
    check(where.get(i, [None])[0] in ("completed", "failed"), f"{i} is not in a terminal folder: {where.get(i)}")
extra = sorted(set(where) - set(ids))
check(not extra, f"unexpected entries in status folders: {extra}")
completed = [i for i in ids if where.get(i) == ["completed"]]
failed = [i for i in ids if where.get(i) == ["failed"]]
for i in failed:
    try:
        msg = open(os.path.join(spool, "failed", i, "error.json")).read()
    except OSError:
        msg = "(no error.json)"
    failures.append(f"{i} failed: {msg[:300]}")

# --- every completed persona has all files, each PNG valid
def png_ok(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        return "bad signature"
    pos, idat, ihdr, chunks = 8, b"", None, []
    while pos < len(data):
        if pos + 8 > len(data):
            return "truncated chunk header"
        length, ctype = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if len(body) != length or pos + 12 + length > len(data):
            return "truncated chunk"
        crc, = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])
        if zlib.crc32(ctype + body) & 0xffffffff != crc:
            return f"bad CRC in {ctype!r}"
        chunks.append(ctype)
        if ctype == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", body)
        elif ctype == b"IDAT":
            idat += body
        pos += 12 + length
    if not chunks or chunks[0] != b"IHDR" or chunks[-1] != b"IEND" or ihdr is None:
        return "IHDR/IEND missing"
    w, h, depth, color, _, _, interlace = ihdr
    if interlace != 0 or depth != 8:
        return None  # not produced by us; structure and CRCs were fine
    channels = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[color]
    try:
        raw = zlib.decompress(idat)
    except zlib.error as e:
        return f"bad zlib: {e}"
    if len(raw) != h * (1 + w * channels):
        return f"IDAT has {len(raw)} bytes, expected {h * (1 + w * channels)}"
    return None

png_count = 0
persona_count = 0
for i in completed:
    folder = os.path.join(spool, "completed", i)
    check(os.path.isfile(os.path.join(folder, "result.json")), f"{i}: no result.json")
    for n in range(1, personas + 1):
        pf = os.path.join(folder, f"persona_{n}")
        if os.path.exists(os.path.join(pf, "error.json")):
            failures.append(f"{i} persona {n} failed: {open(os.path.join(pf, 'error.json')).read()[:200]}")
            continue
        persona_count += 1
        for f in ["persona.json", "prompt.txt", "urls.json", "base.png", "grid.png"] + [f"image_{k}.png" for k in range(4)]:
            p = os.path.join(pf, f)
            if not check(os.path.isfile(p) and not os.path.islink(p), f"{i}/persona_{n}/{f} missing"):
                continue
            if f.endswith(".png"):
                png_count += 1
                err = png_ok(p)
                check(err is None, f"{i}/persona_{n}/{f}: invalid PNG: {err}")

# --- the index equals what reindex builds
before = open(os.path.join(work, "index-before.txt")).read().splitlines()
after = open(os.path.join(work, "index-after.txt")).read().splitlines()
check(reindex_status == 0, f"reindex exited {reindex_status}")
index_equal = bool(after) and before == after
if not index_equal:
    only_b = sorted(set(before) - set(after))[:5]
    only_a = sorted(set(after) - set(before))[:5]
    failures.append(f"index.sqlite differs from reindex: only in processor's: {only_b}; only in reindex's: {only_a}")
index_rows = len(after)

# --- requests per persona, from the logs (each logged before the request)
line_re = re.compile(r"\[Task ([^\]]+)\] \[([^\]]+)\] Step ([0-9])/7")
base, grid, hit_base, hit_grid, hits_any = {}, {}, {}, {}, {}
run_logs = sorted(glob.glob(os.path.join(logs, "run-*.log")))
kills_with_work = 0
per_kill = []
for log in run_logs:
    was_killed = os.path.exists(log + ".killed")
    steps = {}
    for line in open(log, errors="replace"):
        m = line_re.search(line)
        if m:
            steps.setdefault((m[1], m[2]), set()).add(int(m[3]))
    if was_killed and steps:
        kills_with_work += 1
        per_kill.append(sum(1 for s in steps.values() if (2 in s and 3 not in s) or (4 in s and 5 not in s)))
    for key, s in steps.items():
        if 2 in s: base[key] = base.get(key, 0) + 1
        if 4 in s: grid[key] = grid.get(key, 0) + 1
        if was_killed:
            if 2 in s and 3 not in s: hit_base[key] = hit_base.get(key, 0) + 1
            if 4 in s and 5 not in s: hit_grid[key] = hit_grid.get(key, 0) + 1
            if (2 in s and 3 not in s) or (4 in s and 5 not in s): hits_any[key] = hits_any.get(key, 0) + 1
keys = sorted(set(base) | set(grid))
for key in keys:
    b, g = base.get(key, 0), grid.get(key, 0)
    check(b <= 1 + hit_base.get(key, 0), f"{key}: {b} base requests, > 1 + {hit_base.get(key, 0)} kills during it")
    check(g <= 1 + hit_grid.get(key, 0), f"{key}: {g} grid requests, > 1 + {hit_grid.get(key, 0)} kills during it")
extra_requests = sum(max(0, base.get(k, 0) - 1) + max(0, grid.get(k, 0) - 1) for k in keys)
# Not IMAGE_CONCURRENCY x kills: a grid is written after its slot is freed
# (so the next persona's request can start), so one kill can catch
# IMAGE_CONCURRENCY requests plus grids still being written.
hits_total = sum(hit_base.values()) + sum(hit_grid.values())
check(extra_requests <= hits_total, f"{extra_requests} extra requests > {hits_total} persona-steps a kill interrupted")
check(len(keys) == persona_count, f"{len(keys)} personas in the logs, {persona_count} completed")
total_requests = sum(base.values()) + sum(grid.values())

# --- no leftovers
tmp_left = os.listdir(os.path.join(spool, "tmp"))
check(not tmp_left, f"tmp/ not empty: {tmp_left[:10]}")
half = []
for d, dirs, files in os.walk(spool):
    half += [os.path.join(d, f) for f in files + dirs if f.startswith(".tmp-")]
check(not half, f"half-written files: {half[:10]}")
check(drain_status == 0, f"run --drain exited {drain_status}")
check(killed >= kills_planned, f"only {killed} of {kills_planned} kills landed (runs exited early)")

print("=== torture figures ===")
print(f"kills survived:            {killed} of {kills_planned} planned ({kills_with_work} while steps were in flight), {secs}s of killing")
print(f"tasks:                     {tasks} ({personas} personas each): {len(completed)} completed, {len(failed)} failed, "
      f"{sum(1 for i in ids if len(where.get(i, [])) == 1)} in exactly one folder")
print(f"personas completed:        {persona_count}, PNGs checked: {png_count}")
print(f"image requests:            {total_requests} for {len(keys)} personas "
      f"(minimum {2 * len(keys)}): extra {extra_requests}, each explained by a kill during that persona's step ({hits_total} such persona-steps)")
print(f"  base per persona:        max {max(base.values(), default=0)}, personas asked more than once: "
      f"{sum(1 for v in base.values() if v > 1)}")
print(f"  grid per persona:        max {max(grid.values(), default=0)}, personas asked more than once: "
      f"{sum(1 for v in grid.values() if v > 1)}")
print(f"  kills that hit personas: {sum(hits_any.values())} (persona x kill); at most {max(per_kill, default=0)} personas in one kill (IMAGE_CONCURRENCY {conc})")
print(f"index == reindex:          {'yes' if index_equal else 'NO'} ({index_rows} rows)")
print(f"tmp/ entries left:         {len(tmp_left)}, .tmp-* files: {len(half)}")
if failures:
    print(f"=== {len(failures)} check(s) FAILED ===")
    for f in failures[:40]:
        print("  - " + f)
    sys.exit(1)
print("=== all checks passed ===")
EOF
status=$?
if [[ $status -eq 0 && -z ${TORTURE_DIR:-} ]]; then
    rm -rf "$WORK"
else
    echo "torture: work folder kept: $WORK" >&2
fi
exit $status
