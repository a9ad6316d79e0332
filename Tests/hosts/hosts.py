#!/usr/bin/env python3
"""Hosts sharing one spool, with faults (issue 13, part 3). Run through
scripts/hosts.sh (root: network namespaces). Prints the seed; --seed N
replays the same fault plan. Exits 1 when a check fails (see checks.py)."""
import argparse
import os
import random
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from checks import Checks, read_audit  # noqa: E402
from cluster import Cluster, remove_work, start_run  # noqa: E402
from faults import KINDS, Injector, plan  # noqa: E402


def latency(text):
    """S or MIN-MAX seconds, checked here rather than by the fake after the set-up."""
    low, _, high = text.partition("-")
    try:
        ok = 0 <= float(low) <= float(high or low)
    except ValueError:
        ok = False
    if not ok:
        raise argparse.ArgumentTypeError(f"expected S or MIN-MAX seconds with 0 <= MIN <= MAX, got {text!r}")
    return text


def kinds(text):
    names = [k for k in text.split(",") if k]
    unknown = [k for k in names if k not in KINDS]
    if unknown or not names:
        raise argparse.ArgumentTypeError(f"unknown fault kind(s) {unknown}; choose from {','.join(KINDS)}")
    return names


def parse():
    ap = argparse.ArgumentParser(prog="scripts/hosts.sh", description=__doc__)
    ap.add_argument("--bin", required=True, help="the avatar-spool binary (scripts/hosts.sh passes $AVATAR_SPOOL_BIN)")
    ap.add_argument("--hosts", type=int, default=3)
    ap.add_argument("--tasks", type=int, default=12)
    ap.add_argument("--personas", type=int, default=2)
    ap.add_argument("--faults", type=int, default=5)
    ap.add_argument("--kinds", default=",".join(KINDS), type=kinds,
                    help=f"the fault kinds to draw from, comma-separated (default: all: {','.join(KINDS)})")
    ap.add_argument("--lease", type=float, default=6, help="AVATAR_LEASE_SECONDS")
    ap.add_argument("--rescan", type=float, default=1, help="WORKER_INTERVAL")
    ap.add_argument("--latency", default="1-2", type=latency, help="the fake's seconds per image request, S or MIN-MAX")
    ap.add_argument("--image-concurrency", type=int, default=2)
    ap.add_argument("--task-concurrency", type=int, default=2)
    ap.add_argument("--seed", type=int, default=None, help="plans the faults (default: a new one, printed)")
    ap.add_argument("--timeout", type=float, default=500, help="hang guard: seconds for the tasks to finish after the last fault (about ten times a run)")
    ap.add_argument("--slack", type=float, default=2.0,
                    help="seconds after its answer that a request still counts as in flight (decode, fsync, rename)")
    ap.add_argument("--no-leases", action="store_true",
                    help="run without AVATAR_LEASES=postgres (flock on; no lease or fencing checks)")
    ap.add_argument("--no-ownership", action="store_true",
                    help="a negative control: flock off (AVATAR_TEST_NO_FLOCK=1) and no leases; the checks must fail")
    ap.add_argument("--tag", default=None, help="names the namespaces and veths (scripts/hosts.sh passes one)")
    ap.add_argument("--work", default=None, help="work folder (default: a new one in /tmp; kept on failure)")
    ap.add_argument("--keep", action="store_true", help="keep the work folder")
    a = ap.parse_args()
    if a.no_ownership:
        a.no_leases = True
    if a.seed is None:
        a.seed = random.SystemRandom().randrange(1, 10**9)
    return a


def main():
    a = parse()
    work, log, t0 = start_run(a.work, "avatar-hosts.", "hosts")

    replay = f"--seed {a.seed}" + ("" if a.kinds == KINDS else f" --kinds {','.join(a.kinds)}")
    log(f"seed {a.seed} (replay: scripts/hosts.sh {replay}); work folder {work}")
    log(f"{a.tasks} tasks x {a.personas} personas on {a.hosts} hosts, lease {a.lease} s, rescan {a.rescan} s, "
        f"fake {a.latency} s per image, IMAGE_CONCURRENCY {a.image_concurrency}, TASK_CONCURRENCY {a.task_concurrency}, "
        f"leases {'none, flock off (negative control)' if a.no_ownership else 'off (flock)' if a.no_leases else 'postgres'}")
    c = Cluster(a, work, log)
    ok = False
    try:
        c.up()
        ids = [f"hosts-{n:02d}" for n in range(1, a.tasks + 1)]
        c.submit(ids, a.personas)
        c.start_all()
        injector = Injector(c, log)
        faults, planned = [], plan(a.seed, a.faults, a.hosts, a.lease, a.kinds)
        for n, f in enumerate(planned):
            time.sleep(f["pause"])
            # Keep work in flight for every fault: top up when fewer tasks are left than the hosts take at once.
            left = len(ids) - c.finished(ids)
            if left < a.hosts * a.task_concurrency:
                more = [f"hosts-{k:02d}" for k in range(len(ids) + 1, len(ids) + 1 + a.hosts)]
                c.submit(more, a.personas)
                ids += more
                log(f"{left} task(s) left: submitted {len(more)} more ({more[0]} … {more[-1]})")
            faults.append(injector.inject(f))
            c.record_pids()
        took = c.wait_finished(ids, a.timeout)
        if took is None:
            log(f"hang guard: only {c.finished(ids)} of {len(ids)} tasks finished {a.timeout:.0f} s after the last fault")
        statuses = c.stop_all()
        log(f"processors stopped (exit statuses {statuses})")

        checks = Checks(c.spool, ids, a.personas, c.pg, c.fake.requests(), read_audit(work), faults, c.net,
                        c.leases, a.slack)
        checks.t0 = c.t0
        checks.folders()
        checks.index()
        checks.paid_requests()
        checks.fencing()
        checks.rebuild(a.bin, c.cli_env())
        if any(s not in (0, None) for s in statuses):
            checks.fail(f"a processor exited {statuses} on SIGTERM")
        checks.figure("faults", f"{len(faults)} of {len(planned)} injected, seed {a.seed}")
        checks.faults_figure()
        checks.figure("wall time", f"{time.time() - t0:.0f} s")
        print("=== hosts figures ===")
        print("\n".join(checks.figures))
        if checks.failures:
            print(f"=== {len(checks.failures)} check(s) FAILED (seed {a.seed}) ===")
            for f in checks.failures[:40]:
                print("  - " + f)
        else:
            print("=== all checks passed ===")
            ok = True
    finally:
        c.down()
        if ok and not a.keep:
            remove_work(work)
        else:
            print(f"hosts: work folder kept: {work} (logs/, audit-*.jsonl, fake.err, pg/server.log)", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
