#!/usr/bin/env python3
"""Part 4 of `make bench`: does one processor grow with the tasks it has finished?

Feeds N data-only tasks ({"count":1,"images":{"enabled":false}}) to one running
processor, a batch at a time (pending/ stays small, as in production), and
prints its RSS (from /proc) after 1,000 and after N finished tasks.
Goal (issue 14): the second within 10 % of the first, and at most 100 MiB.

usage: bench_memory.py BINARY WORKDIR [N]
"""
import os
import subprocess
import sys
import time

binary, work = sys.argv[1], sys.argv[2]
total = int(sys.argv[3]) if len(sys.argv) > 3 else 20000
batch = 250
spool = os.path.join(work, "memspool")
for sub in ("pending", "tmp", "completed"):
    os.makedirs(os.path.join(spool, sub), exist_ok=True)
env = dict(os.environ, AVATAR_SPOOL_DIR=spool, WORKER_INTERVAL="5", AVATAR_SETTLE_SECONDS="1")
for k in list(env):
    if k.startswith(("S3_", "OPENAI_", "FLOWISE_")):
        del env[k]
log = open(os.path.join(work, "memory-run.log"), "w")
proc = subprocess.Popen([binary, "run", "--log-level", "warning"], env=env, stdout=log, stderr=log)


def rss_mib():
    with open(f"/proc/{proc.pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def completed():
    return len(os.listdir(os.path.join(spool, "completed")))


def wait_for(n, timeout=600):
    deadline = time.monotonic() + timeout
    while completed() < n:
        if proc.poll() is not None:
            sys.exit(f"the processor exited ({proc.returncode}); see {log.name}")
        if time.monotonic() > deadline:
            sys.exit(f"only {completed()} of {n} tasks completed in {timeout} s")
        time.sleep(0.05)


body = b'{"count": 1, "images": {"enabled": false}}\n'
staging = os.path.join(spool, "tmp")
t0 = time.monotonic()
marks = {1000: None, total: None}
sent = 0
try:
    while sent < total:
        n = min(batch, total - sent)
        for i in range(sent, sent + n):
            name = f"mem-{i:06d}.json"
            temp = os.path.join(staging, ".drop-" + name)
            with open(temp, "wb") as f:
                f.write(body)
            os.rename(temp, os.path.join(spool, "pending", name))
        sent += n
        for mark in marks:
            if marks[mark] is None and sent >= mark:
                wait_for(mark)
                time.sleep(1.0)  # let trailing index writes finish
                marks[mark] = rss_mib()
        if completed() < sent - 4 * batch:
            wait_for(sent - 2 * batch)
    wait_for(total)
    elapsed = time.monotonic() - t0
finally:
    proc.terminate()
    proc.wait(timeout=60)
first, last = marks[1000], marks[total]
growth = (last - first) / first * 100
print(f"RSS after 1,000 tasks {first:.1f} MiB, after {total:,} tasks {last:.1f} MiB "
      f"({growth:+.1f} %; goal within 10 % and at most 100 MiB: "
      f"{'met' if abs(growth) <= 10 and last <= 100 else 'NOT met'}); "
      f"{total / elapsed:.0f} tasks/s")
