#!/usr/bin/env bash
# Part of `make bench` (issue 8):
#  a. what thumbnails and the contact sheet add to a 10-persona builtin task
#     at 1024x1024: the same task with AVATAR_THUMB_SIZE=256 and =0 (no
#     thumbnails, no sheet), alternating, 9 runs each; medians; target <= 1.10.
#     Each run gets a new spool; all are removed after the last run. (Removing
#     the previous run's spool just before a timed run made every file the run
#     created cost more: on an ext4 without a journal, as on this machine, the
#     inode allocator skips each inode freed in the last minute, ~0.3 ms a file.)
#  b. the spool page for 10 000 tasks (index rows inserted directly): time to
#     query, render and write it atomically, 9 runs; median; target <= 200 ms, < 2 MB.
set -euo pipefail
BIN="${1:-.build/release/avatar-spool}"
WORK="${2:-$(mktemp -d /tmp/avatar-bench-gallery.XXXXXX)}"
RUNS="${GALLERY_BENCH_RUNS:-9}"

echo "== 4. thumbnails + contact sheet on a 10-persona builtin task (1024x1024), $RUNS runs each"
python3 - "$BIN" "$WORK" "$RUNS" <<'PY'
import os, resource, shutil, statistics, subprocess, sys, time
binary, work, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
task = '{"task_id": "bench-gallery", "count": 10, "persona": {"country": "JP"}, "images": {"size": "1024x1024"}}'
spools = []
def once(size):
    spool = os.path.join(work, f"g-{size}-{len(spools)}")
    spools.append(spool)
    shutil.rmtree(spool, ignore_errors=True)
    os.makedirs(os.path.join(spool, "pending"))
    with open(os.path.join(spool, "pending", "bench-gallery.json"), "w") as f:
        f.write(task)
    env = dict(os.environ, AVATAR_THUMB_SIZE=str(size))
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    subprocess.run([binary, "run", "--drain", "--spool", spool, "--log-level", "warning"], check=True, env=env)
    wall = time.monotonic() - t0
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
    sheet = os.path.exists(os.path.join(spool, "completed", "bench-gallery", "contact-sheet.png"))
    assert sheet == (size > 0), "contact sheet presence"
    return wall, cpu
subprocess.run([binary, "--version"], check=True, stdout=subprocess.DEVNULL)
on, off = [], []
for i in range(runs):
    off.append(once(0)); on.append(once(256))
load = os.getloadavg()[0]
for spool in spools:
    shutil.rmtree(spool, ignore_errors=True)
for what, k in (("wall", 0), ("CPU (user+sys)", 1)):
    a, b = statistics.median(x[k] for x in off), statistics.median(x[k] for x in on)
    print(f"{what:15s} without {a:.3f} s, with {b:.3f} s: ratio {b / a:.3f} (target <= 1.10)"
          f"   [without {', '.join(f'{x[k]:.2f}' for x in off)}; with {', '.join(f'{x[k]:.2f}' for x in on)}]")
print(f"(load average {load:.1f} on {os.cpu_count()} cores: on a busy machine the CPU ratio is the steadier figure)")
PY

echo
echo "== 5. the spool page for 10 000 tasks"
SPOOL="$WORK/pages"
rm -rf "$SPOOL"
"$BIN" reindex --spool "$SPOOL" >/dev/null
python3 - "$SPOOL/index.sqlite" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
statuses = ["completed"] * 8 + ["failed", "generating-images"]
rows = [(f"batch-{i:05d}-berlin-developers", statuses[i % 10], 10, 9, 1 if i % 10 == 8 else 0,
         "images 9/10, next step 4/7", "2026-11-%02d 10:00:00" % (1 + i % 28), "2026-11-30 10:00:00")
        for i in range(10_000)]
db.executemany("INSERT INTO generation_tasks (task_id, status, count, completed_personas, failed_personas, "
               "current_step, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
db.commit()
PY
times=()
for i in $(seq 1 "$RUNS"); do
    line=$("$BIN" gallery --spool "$SPOOL" 2>&1 >/dev/null | grep '^wrote')
    times+=("$(echo "$line" | grep -o '[0-9]* ms' | cut -d' ' -f1)")
    last="$line"
done
echo "$last"
printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {printf "median %d ms of %d runs (%s) (target <= 200 ms)\n", a[int((NR+1)/2)], NR, "'"${times[*]}"'"}'
