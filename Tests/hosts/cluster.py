"""N hosts on one spool, in one work folder: the network (netns.py), the
engines (services.py), a processor per host (processors.py), and the
clean-up that removes all of it whatever happens (also on SIGTERM, SIGINT
and SIGHUP; scripts/hosts.sh's trap is the backstop if we are killed)."""
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time

from netns import HostNetwork
from processors import Processor
from services import API_KEY, FakeImages, Postgres

STATUS = ["pending", "generating-data", "data-generated", "generating-images", "completed", "failed", "hold"]


class Cluster:
    def __init__(self, args, work, log):
        self.args, self.work, self.log = args, work, log
        self.hosts = args.hosts
        self.lease = args.lease
        self.leases = not args.no_leases
        self.spool = os.path.join(work, "spool")
        self.logs = os.path.join(work, "logs")
        self.net = HostNetwork(args.hosts, tag=args.tag)
        self.pg = None
        self.fake = None
        self.procs = []
        self.t0 = time.time()

    # --- set-up and clean-up ------------------------------------------------------
    def up(self):
        os.makedirs(self.logs, exist_ok=True)
        os.chmod(self.work, 0o755)  # PostgreSQL runs as avatar-pg and must reach its folder below
        self.net.up()
        listen = [self.net.root_addr(i) for i in range(1, self.hosts + 1)]
        self.pg = Postgres(os.path.join(self.work, "pg"), listen, self.net.cidr)
        self.pg.start()
        self.fake = FakeImages(self.work, listen, self.args.latency, self.args.seed)
        self.fake.start()
        self.log(f"{self.hosts} hosts (namespaces {self.net.ns(1)}…, {self.net.cidr}), PostgreSQL on port "
                 f"{self.pg.port}, fake images on port {self.fake.port} ({self.args.latency} s per image)")
        # The spool's folders and the schema, from the root namespace.
        self.run_cli(["reindex"])
        self.procs = [Processor(i, self.args.bin, self.net.exec_prefix(i), self.env(i), self.logs)
                      for i in range(1, self.hosts + 1)]

    def down(self):
        for p in self.procs:
            try:
                p.kill()
            except Exception as e:  # clean up the rest whatever happens
                self.log(f"clean-up: {p.name}: {e}")
        for step in (lambda: self.fake and self.fake.stop(), lambda: self.pg and self.pg.stop(), self.net.down):
            try:
                step()
            except Exception as e:
                self.log(f"clean-up: {e}")

    def record_pids(self):
        """For scripts/hosts.sh's trap, if this driver is killed outright."""
        with open(os.path.join(self.work, "pids"), "w") as f:
            f.write("".join(f"{p.pid}\n" for p in self.procs if p.alive()))

    # --- processors ------------------------------------------------------------------
    def env(self, i):
        a = self.args
        env = {
            "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME": "/root", "LANG": "C.UTF-8",
            "AVATAR_SPOOL_DIR": self.spool,
            "AVATAR_INDEX_URL": self.pg.url(self.net.root_addr(i)),
            "PGCONNECT_TIMEOUT": "3",
            "AVATAR_DATA_PROVIDER": "builtin", "AVATAR_IMAGE_PROVIDER": "openai",
            "OPENAI_BASE_URL": self.fake.base_url(self.net.root_addr(i)), "OPENAI_API_KEY": API_KEY,
            # dall-e-2 (the fake serves it as a compatible server would) keeps the images at 256x256.
            "OPENAI_IMAGE_MODEL": "dall-e-2",
            "IMAGE_CONCURRENCY": str(a.image_concurrency), "TASK_CONCURRENCY": str(a.task_concurrency),
            "WORKER_INTERVAL": str(a.rescan), "AVATAR_SETTLE_SECONDS": "0", "AVATAR_THUMB_SIZE": "0",
            "AVATAR_RETRY_BASE_MS": "200", "AVATAR_RETRY_CAP_MS": "2000",
            "AVATAR_NODE_NAME": f"host{i}",
            "AVATAR_TEST_NO_RENAME_NOREPLACE": "1",
        }
        if getattr(self.args, "no_ownership", False):
            env["AVATAR_TEST_NO_FLOCK"] = "1"
        if self.leases:
            env.update({"AVATAR_LEASES": "postgres", "AVATAR_LEASE_SECONDS": str(self.lease),
                        "AVATAR_TEST_NO_FLOCK": "1",
                        "AVATAR_TEST_AUDIT_FILE": os.path.join(self.work, f"audit-host{i}.jsonl")})
        return env

    def cli_env(self):
        env = self.env(1)
        env["AVATAR_INDEX_URL"] = self.pg.url()
        for k in ("AVATAR_TEST_AUDIT_FILE", "AVATAR_TEST_NO_FLOCK", "AVATAR_NODE_NAME"):
            env.pop(k, None)
        return env

    def run_cli(self, argv):
        r = subprocess.run([self.args.bin, *argv], env=self.cli_env(), capture_output=True, text=True, timeout=300)
        if r.returncode != 0:
            raise RuntimeError(f"avatar-spool {' '.join(argv)} failed ({r.returncode}): {r.stderr[-2000:]}")
        return r.stdout

    def start_all(self):
        for p in self.procs:
            p.start()
        self.record_pids()

    def stop_all(self):
        """SIGTERM every processor; their exit statuses."""
        return [p.terminate() for p in self.procs]

    # --- tasks -------------------------------------------------------------------------
    def submit(self, ids, personas):
        """Each task file the careful way: a temp name in tmp/, one rename into pending/."""
        for task_id in ids:
            tmp = os.path.join(self.spool, "tmp", f"submit-{task_id}")
            with open(tmp, "w") as f:
                json.dump({"task_id": task_id, "count": personas, "persona": {"country": "DE"},
                           "images": {"enabled": True, "size": "256x256"}}, f)
            os.rename(tmp, os.path.join(self.spool, "pending", f"{task_id}.json"))

    def finished(self, ids):
        """How many of `ids` are in completed/ or failed/."""
        names = set()
        for stage in ("completed", "failed"):
            names |= set(os.listdir(os.path.join(self.spool, stage)))
        return sum(1 for i in ids if i in names)

    def wait_finished(self, ids, timeout, poll=0.2):
        """Seconds until every task of `ids` is finished, or None after `timeout`."""
        start = time.monotonic()
        while time.monotonic() - start < timeout:
            if self.finished(ids) == len(ids):
                return time.monotonic() - start
            time.sleep(poll)
        return None


def install_signal_cleanup():
    """SIGTERM, SIGINT, SIGHUP end the driver through its `finally` clean-up."""
    def handler(signum, _frame):
        raise SystemExit(128 + signum)
    for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(s, handler)


def remove_work(work):
    shutil.rmtree(work, ignore_errors=True)


def start_run(work, prefix, tag):
    """What every driver does first: cleanup on signals, its work folder
    (WORK, or a new one in /tmp named PREFIX…), and a log that stamps each
    line with `[TAG +seconds]` since now. Returns (work, log, t0)."""
    install_signal_cleanup()
    work = work or tempfile.mkdtemp(prefix=prefix)
    os.makedirs(work, exist_ok=True)
    t0 = time.time()

    def log(line):
        print(f"[{tag} +{time.time() - t0:6.1f}s] {line}", flush=True)

    return work, log, t0
