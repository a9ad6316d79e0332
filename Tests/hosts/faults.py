"""Faults at random moments, planned from a seed (the same seed plans the same
faults: kinds, targets, pauses and durations; the moments they land in the
work still depend on timing).

Each injected fault is recorded with the hosts it affects and a window
[start, end] of wall-clock time: a request of an affected host in flight
during the window may have been lost with it, and may be paid again.
  kill        SIGKILL of a host's processor, restarted after a pause  [t, t]
  partition   the host's veth down longer than the lease, then up     [down, up]
  stop        SIGSTOP longer than the lease, then SIGCONT             [stop, cont]
  pg_restart  pg_ctl restart -m immediate: every host's lease session
              is cut, and a host learns it within the lease          [t0, restarted + lease]
  pg_terminate  pg_terminate_backend of the host's lease session
              (the backend holding advisory locks)                    [t, t + lease]
"""
import random
import time

KINDS = ["kill", "partition", "stop", "pg_restart", "pg_terminate"]
LEASE_SESSIONS = """
SELECT DISTINCT a.pid, host(a.client_addr) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
WHERE l.locktype = 'advisory' AND l.granted AND a.pid <> pg_backend_pid()
"""


def plan(seed, count, hosts, lease, kinds=KINDS, first_pause=(2.0, 4.0), pause=(1.0, 3.0)):
    """`count` faults of `kinds`: each kind in turn (all of them when count >= len(kinds)), in a seeded order."""
    rnd = random.Random(seed)
    kinds = list(kinds)
    kinds = (kinds * (count // len(kinds) + 1))[:count] if count >= len(kinds) else rnd.sample(kinds, count)
    rnd.shuffle(kinds)
    faults = []
    for n, kind in enumerate(kinds):
        lo, hi = first_pause if n == 0 else pause
        faults.append({
            "kind": kind,
            "planned_host": rnd.randint(1, hosts),
            "pause": round(rnd.uniform(lo, hi), 2),            # after the previous fault ended
            "duration": round(lease + rnd.uniform(1.0, 3.0), 2),  # partition, stop: longer than the lease
            "restart_after": round(rnd.uniform(0.5, 2.0), 2),  # kill
        })
    return faults


class Injector:
    def __init__(self, cluster, log):
        self.c = cluster
        self.log = log  # a function taking one line

    def busy_hosts(self):
        """Hosts with an image request in flight at the fake now."""
        busy = set()
        for r in self.c.fake.requests():
            if r["answered"] is None:
                h = self.c.net.host_of(r["client"])
                if h:
                    busy.add(h)
        return busy

    def lease_sessions(self):
        """{host: [backend pid, …]} of the sessions holding advisory locks (the lease connections)."""
        out = {}
        for pid, addr in self.c.pg.psql(LEASE_SESSIONS, check=False):
            h = self.c.net.host_of(addr)
            if h:
                out.setdefault(h, []).append(int(pid))
        return out

    def target(self, planned, candidates):
        """The planned host when it is a candidate, else the next candidate after it, else the planned one."""
        n = self.c.hosts
        for k in range(n):
            h = (planned - 1 + k) % n + 1
            if h in candidates:
                return h
        return planned

    def inject(self, fault):
        kind, lease = fault["kind"], self.c.lease
        rec = {"kind": kind, "host": None, "hosts": [], "start": None, "end": None, "detail": ""}
        if kind == "kill":
            h = self.target(fault["planned_host"], self.busy_hosts())
            p = self.c.procs[h - 1]
            rec.update(host=h, hosts=[h], detail=f"pid {p.pid}")
            rec["start"] = rec["end"] = time.time()
            p.kill()
            time.sleep(fault["restart_after"])
            p.start()
            rec["detail"] += f", restarted after {fault['restart_after']} s as pid {p.pid}"
        elif kind == "stop":
            h = self.target(fault["planned_host"], self.busy_hosts())
            p = self.c.procs[h - 1]
            rec.update(host=h, hosts=[h], detail=f"pid {p.pid} stopped {fault['duration']} s")
            rec["start"] = time.time()
            p.stop()
            time.sleep(fault["duration"])
            p.cont()
            rec["end"] = time.time()
        elif kind == "partition":
            h = self.target(fault["planned_host"], self.busy_hosts())
            rec.update(host=h, hosts=[h], detail=f"{self.c.net.root_veth(h)} down {fault['duration']} s")
            rec["start"] = time.time()
            self.c.net.partition(h)
            try:
                time.sleep(fault["duration"])
            finally:
                self.c.net.heal(h)
            rec["end"] = time.time()
        elif kind == "pg_restart":
            rec.update(hosts=list(range(1, self.c.hosts + 1)))
            rec["start"] = time.time()
            self.c.pg.restart_immediate()
            rec["end"] = time.time() + lease
            rec["detail"] = f"back after {time.time() - rec['start']:.1f} s"
        elif kind == "pg_terminate":
            sessions = self.lease_sessions()
            h = self.target(fault["planned_host"], set(sessions))
            rec.update(host=h, hosts=[h])
            rec["start"] = time.time()
            rec["end"] = rec["start"] + lease
            pids = sessions.get(h, [])
            for pid in pids:
                self.c.pg.psql(f"SELECT pg_terminate_backend({pid})", check=False)
            rec["detail"] = f"backends {pids}" if pids else "no lease session on any host (missed)"
            if not pids:
                rec["hosts"] = []
        self.log(f"fault {kind} on {('host%d' % rec['host']) if rec['host'] else 'all hosts'}: {rec['detail']}")
        return rec
