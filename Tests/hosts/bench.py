#!/usr/bin/env python3
"""Hosts on one spool, measured (issue 13, "Measured"; part of `make bench`
through scripts/hosts.sh bench):

  A. throughput: the same work (TASKS tasks of PERSONAS personas, the fake at
     2 s per image, IMAGE_CONCURRENCY 4 per host) through one host, then
     through three; the ratio of the wall times (target >= 2.7).
  B. failover: three hosts busy with long tasks; one that holds a task is
     killed (SIGKILL, restarted once the task moved) or cut off (its veth down,
     up again once the task moved); seconds until that task resumes on another
     host (its next epoch acquired, and its first request there), against the
     lease plus one rescan interval. Each kind once per host.
"""
import argparse
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from checks import REQUEST_ID  # noqa: E402
from cluster import Cluster, remove_work, start_run  # noqa: E402


def parse():
    ap = argparse.ArgumentParser(prog="scripts/hosts.sh bench", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", required=True)
    ap.add_argument("--hosts", type=int, default=3)
    ap.add_argument("--tasks", type=int, default=36)
    ap.add_argument("--personas", type=int, default=2)
    ap.add_argument("--latency", default="2")
    ap.add_argument("--image-concurrency", type=int, default=4)
    ap.add_argument("--task-concurrency", type=int, default=2)
    ap.add_argument("--lease", type=float, default=6)
    ap.add_argument("--rescan", type=float, default=2)
    ap.add_argument("--failover-personas", type=int, default=16)
    ap.add_argument("--no-leases", action="store_true")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--tag", default=None)
    ap.add_argument("--work", default=None)
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--timeout", type=float, default=600)
    return ap.parse_args()


def wait(cond, timeout, poll=0.05):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        v = cond()
        if v:
            return v
        time.sleep(poll)
    return None


def main():
    a = parse()
    work, log, _ = start_run(a.work, "avatar-hosts-bench.", "bench")

    c = Cluster(a, work, log)
    ok = False
    try:
        c.up()
        ready = lambda p: "processor started" in p.log_text()  # noqa: E731

        # --- A. throughput -------------------------------------------------------
        persons = a.tasks * a.personas
        print(f"== A. throughput: {a.tasks} tasks x {a.personas} personas ({2 * persons} image requests at {a.latency} s), "
              f"IMAGE_CONCURRENCY {a.image_concurrency}, TASK_CONCURRENCY {a.task_concurrency} per host, "
              f"leases {'off (flock)' if a.no_leases else 'postgres'}")
        walls = {}
        for n in (1, a.hosts):
            for p in c.procs[:n]:
                if not p.alive():
                    p.start()
            c.record_pids()
            if not wait(lambda: all(ready(p) for p in c.procs[:n]), 60):
                raise RuntimeError("processors did not start:\n" + "\n".join(p.log_text()[-2000:] for p in c.procs[:n]))
            ids = [f"tp{n}-{k:03d}" for k in range(1, a.tasks + 1)]
            c.submit(ids, a.personas)
            took = c.wait_finished(ids, a.timeout, poll=0.05)
            if took is None:
                raise RuntimeError(f"{n} host(s): only {c.finished(ids)} of {len(ids)} tasks finished in {a.timeout} s")
            walls[n] = took
            floor = 2 * persons * float(a.latency.split("-")[-1]) / (a.image_concurrency * n)
            print(f"{n} host(s): {took:.1f} s, {persons / took:.2f} personas/s (floor {floor:.1f} s)")
        ratio = walls[1] / walls[a.hosts]
        print(f"throughput {a.hosts} hosts / 1 host: {ratio:.2f}x (target >= 2.7: {'met' if ratio >= 2.7 else 'MISSED'})")

        # --- B. failover ---------------------------------------------------------------
        bound = a.lease + a.rescan
        print(f"== B. failover: a host holding a task of {a.failover_personas} personas killed (SIGKILL: the server "
              f"drops its session at once) or cut off (its veth down: the server drops it after the lease); "
              f"target: lease {a.lease:g} s + rescan {a.rescan:g} s = {bound:g} s")
        samples = {"kill": [], "partition": []}
        kinds = ["kill", "partition"] if c.leases else ["kill"]  # with flock a cut-off host keeps its tasks
        n = 0
        for kind in kinds:
            for _ in range(a.hosts):
                n += 1
                ids = [f"fo{n}-{h}" for h in range(1, a.hosts + 1)]
                c.submit(ids, a.failover_personas)
                time.sleep(2.5)  # mid-task: a request or two in flight
                # The victim: host n when it holds one of these tasks, else the next host that does.
                order = [(n - 1 + j) % a.hosts + 1 for j in range(a.hosts)]
                found = wait(lambda: next(((k, h) for k in order for h in [held_tasks(c, k, ids)] if h), None), 60)
                if not found:
                    log(f"no host holds any of {ids}; skipped")
                    continue
                k, held = found
                offsets = {p.name: len(p.log_text()) for p in c.procs}
                task, epoch = held[0]
                tk = time.time()
                if kind == "kill":
                    c.procs[k - 1].kill()
                else:
                    c.net.partition(k)
                resumed = wait(lambda: resumed_at(c, k, task, epoch, offsets), a.timeout, poll=0.02)
                if kind == "kill":
                    c.procs[k - 1].start()
                    c.record_pids()
                else:
                    c.net.heal(k)
                if not resumed:
                    print(f"{kind} of host{k}: {task} did not resume elsewhere within {a.timeout:g} s")
                    samples[kind].append(float("inf"))
                    continue
                t_resume, how = resumed
                samples[kind].append(t_resume - tk)
                first = wait(lambda: first_request_after(c, task, epoch, tk), 30, poll=0.1) if c.leases else None
                extra = f"; its first request there {first - tk:.2f} s after" if first else ""
                print(f"{kind} of host{k} holding {task}: resumed {t_resume - tk:.2f} s later ({how}){extra}")
                c.wait_finished(ids, a.timeout)
        for kind in kinds:
            worst = max(samples[kind]) if samples[kind] else float("inf")
            print(f"failover after a {kind}: worst {worst:.2f} s of {len(samples[kind])} "
                  f"(target <= {bound:g} s: {'met' if worst <= bound else 'MISSED'})")
        ok = True
    finally:
        try:
            c.stop_all()
        finally:
            c.down()
        if ok and not a.keep:
            remove_work(work)
        else:
            print(f"bench: work folder kept: {work}", file=sys.stderr)
    return 0 if ok else 1


def held_tasks(c, k, ids):
    """[(task, epoch)] host k holds now: its lease rows, or (leases off) tasks its log shows begun and not finished."""
    if c.leases:
        rows = c.pg.psql(f"SELECT task_id, epoch FROM task_leases WHERE holder LIKE 'host{k}:%'", check=False)
        return [(t, int(e)) for t, e in rows if t in ids] or None
    text = c.procs[k - 1].log_text()
    done = set(os.listdir(os.path.join(c.spool, "completed")))
    return [(t, 0) for t in ids if f"[Task {t}]" in text and t not in done] or None


def resumed_at(c, k, task, epoch, offsets):
    """(time, how) once another host has taken `task` over, else None."""
    if c.leases:
        rows = c.pg.psql(f"SELECT extract(epoch FROM at), holder FROM task_lease_events WHERE task_id = '{task}' "
                         f"AND event = 'acquired' AND epoch > {epoch} AND holder NOT LIKE 'host{k}:%' ORDER BY at LIMIT 1",
                         check=False)
        return (float(rows[0][0]), f"epoch {epoch + 1} acquired by {rows[0][1]}") if rows else None
    for p in c.procs:
        if p.host != k and f"[Task {task}]" in p.log_text()[offsets[p.name]:]:
            return time.time(), f"first log line of it on {p.name}"
    return None


def first_request_after(c, task, epoch, tk):
    times = []
    for r in c.fake.requests():
        m = REQUEST_ID.match(r["id"] or "")
        if m and m["task"] == task and int(m["epoch"]) > epoch and r["arrived"] > tk:
            times.append(r["arrived"])
    return min(times) if times else None


if __name__ == "__main__":
    sys.exit(main())
