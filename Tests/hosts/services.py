"""The shared engines of a hosts run, in the root namespace: PostgreSQL
(scripts/postgres.sh, listening on the veth addresses too) and the fake
image server (Tests/fakes/fake_api.py, bound to the same addresses)."""
import json
import os
import subprocess
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
POSTGRES_SH = os.path.join(ROOT, "scripts", "postgres.sh")
FAKE = os.path.join(ROOT, "Tests", "fakes", "fake_api.py")
API_KEY = "sk-hosts-test-5e1d"
DATABASE = "hosts"


class Postgres:
    def __init__(self, folder, listen, allow):
        self.folder, self.listen, self.allow = folder, listen, allow
        self.port = None
        self.password = None
        self.started = False

    def start(self):
        os.makedirs(self.folder, exist_ok=True)
        out = self._script("start", self.folder, "--listen", ",".join(self.listen), "--allow", self.allow)
        self.started = True
        url = [line for line in out.splitlines() if line.startswith("PG_URL=")][-1][len("PG_URL="):]
        # postgresql://avatar:PASSWORD@127.0.0.1:PORT/postgres
        creds, _, rest = url[len("postgresql://"):].partition("@")
        self.password = creds.partition(":")[2]
        self.port = int(rest.split("/")[0].rsplit(":", 1)[1])
        self.psql(f"DROP DATABASE IF EXISTS {DATABASE}", database="postgres")
        self.psql(f"CREATE DATABASE {DATABASE}", database="postgres")

    def url(self, address="127.0.0.1", database=DATABASE):
        return f"postgresql://avatar:{self.password}@{address}:{self.port}/{database}"

    def restart_immediate(self):
        """pg_ctl restart -m immediate: every session cut, crash recovery, back on the same port."""
        self._script("restart", self.folder, "--mode", "immediate")

    def stop(self):
        if self.started:
            subprocess.run(["bash", POSTGRES_SH, "stop", self.folder], capture_output=True)
            self.started = False

    def psql(self, sql, database=DATABASE, check=True):
        """Rows of `sql` (unaligned, tuples only, fields split on '|')."""
        r = subprocess.run(["psql", "-X", "-A", "-t", "-q", "-v", "ON_ERROR_STOP=1", self.url(database=database), "-c", sql],
                           capture_output=True, text=True, timeout=60)
        if check and r.returncode != 0:
            raise RuntimeError(f"psql failed ({r.returncode}) on {sql}:\n{r.stderr}")
        return [line.split("|") for line in r.stdout.splitlines() if line]

    def _script(self, *args):
        r = subprocess.run(["bash", POSTGRES_SH, *args], capture_output=True, text=True, stdin=subprocess.DEVNULL)
        if r.returncode != 0:
            raise RuntimeError(f"scripts/postgres.sh {' '.join(args[:1])} failed:\n{r.stdout}{r.stderr}")
        return r.stdout


class FakeImages:
    """The fake OpenAI image server with seconds of latency per image request."""

    def __init__(self, folder, binds, latency, seed):
        self.folder, self.binds, self.latency, self.seed = folder, binds, latency, seed
        self.proc = None
        self.port = None

    def start(self):
        args = ["python3", FAKE, "--api-key", API_KEY, "--serve-retired", "--png-size", "256",
                "--image-latency", self.latency, "--seed", str(self.seed)]
        for address in self.binds:
            args += ["--bind", address]
        self.out = open(os.path.join(self.folder, "fake.out"), "w+")
        self.err = open(os.path.join(self.folder, "fake.err"), "w")
        # The fake exits when its stdin closes: we keep the pipe's write end.
        self.proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=self.out, stderr=self.err, start_new_session=True)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            self.out.seek(0)
            for line in self.out.read().splitlines():
                if line.startswith("PORT "):
                    self.port = int(line.split()[1])
                    return
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        raise RuntimeError(f"the fake image server did not start: {open(self.err.name).read()[-2000:]}")

    def base_url(self, address):
        return f"http://{address}:{self.port}/v1"

    def requests(self):
        """Every image request it saw: dicts with id, path, client, arrived, answered, status."""
        with urllib.request.urlopen(f"http://{self.binds[0]}:{self.port}/_requests", timeout=10) as r:
            return [json.loads(line) for line in r.read().decode().splitlines() if line]

    def control(self, body):
        req = urllib.request.Request(f"http://{self.binds[0]}:{self.port}/_control", data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
        urllib.request.urlopen(req, timeout=10).read()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.stdin.close()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None
