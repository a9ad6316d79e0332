"""The assertions at the end of a hosts run (issue 13, part 3). Each check
appends what failed to `failures` and returns figures to print.

  folders   every task in exactly one status folder, completed/ or failed/;
            a completed one with result.json and no error.json
  index     exactly one generation_tasks row per task, with the folder's status
  requests  paid image requests (the fake's record) per task, persona and step
            <= 1 + the faults that hit one of them in flight
  fencing   no checkpoint, rename or index write (the audit file) and no image
            request (the fake's record) by epoch e of a task after epoch e+1
            was acquired, nor after its holder noted it lost (task_lease_events)
  rebuild   the index equals what `avatar-spool reindex` builds (EXCEPT both ways)
"""
import glob
import json
import os
import re
import subprocess

STAGES = ["pending", "generating-data", "data-generated", "generating-images", "completed", "failed", "hold"]
REQUEST_ID = re.compile(r"^(?P<task>[A-Za-z0-9][A-Za-z0-9._-]*)/p(?P<persona>\d+)/(?P<step>[^/]+)/e(?P<epoch>\d+)/(?P<nonce>[0-9a-f]{8})$")
TASKS_VIEW = ("SELECT id, task_id, status, count, persona_params, image_params, completed_personas, failed_personas, "
              "current_step, error_log, created_at, cost_usd FROM generation_tasks")
RESULTS_VIEW = ("SELECT t.task_id AS task, r.persona_index, r.firstname, r.lastname, r.gender, r.age, r.country, r.city, "
                "r.occupation, r.bio, r.image_prompt, r.status, r.error, r.base_image_url, r.image_1_url, r.image_2_url, "
                "r.image_3_url, r.image_4_url, r.base_thumb_url, r.thumb_1_url, r.thumb_2_url, r.thumb_3_url, r.thumb_4_url, "
                "r.cost_usd FROM generation_results r JOIN generation_tasks t ON t.id = r.task_id")


class Checks:
    def __init__(self, spool, ids, personas, pg, requests, audit, faults, net, leases, slack):
        self.spool, self.ids, self.personas, self.pg = spool, ids, personas, pg
        self.requests, self.audit, self.faults, self.net = requests, audit, faults, net
        self.leases, self.slack = leases, slack
        self.failures = []
        self.figures = []

    def fail(self, what):
        self.failures.append(what)

    def figure(self, label, text):
        self.figures.append(f"{label + ':':<26} {text}")

    # --- folders --------------------------------------------------------------
    def folders(self):
        where = {}
        for stage in STAGES:
            for name in os.listdir(os.path.join(self.spool, stage)) if os.path.isdir(os.path.join(self.spool, stage)) else []:
                if name.startswith("."):
                    continue
                where.setdefault(name.removesuffix(".json") if stage == "pending" else name, []).append(stage)
        for i in self.ids:
            if len(where.get(i, [])) != 1 or where[i][0] not in ("completed", "failed"):
                self.fail(f"{i} is in {where.get(i, [])}, not in exactly one of completed/, failed/")
            elif where[i] == ["failed"]:
                try:
                    why = open(os.path.join(self.spool, "failed", i, "error.json")).read()[:300]
                except OSError:
                    why = "(no error.json)"
                self.fail(f"{i} failed: {why}")
        for i in self.ids:
            if where.get(i) == ["completed"]:
                folder = os.path.join(self.spool, "completed", i)
                if os.path.exists(os.path.join(folder, "error.json")):
                    why = open(os.path.join(folder, "error.json"), errors="replace").read()[:200]
                    self.fail(f"{i} is in completed/ with an error.json: {' '.join(why.split())}")
                if not os.path.isfile(os.path.join(folder, "result.json")):
                    self.fail(f"{i} is in completed/ without result.json")
        stray = sorted(set(where) - set(self.ids))
        if stray:
            self.fail(f"unexpected entries in the status folders: {stray[:10]}")
        tmp = [n for n in os.listdir(os.path.join(self.spool, "tmp")) if not n.startswith(".nfs")]
        if tmp:
            self.fail(f"tmp/ not empty: {tmp[:10]}")
        half = [os.path.join(d, f) for d, dirs, files in os.walk(self.spool) for f in files + dirs if f.startswith(".tmp-")]
        if half:
            self.fail(f"half-written files: {half[:10]}")
        done = sum(1 for i in self.ids if where.get(i) == ["completed"])
        self.figure("tasks", f"{len(self.ids)} ({self.personas} personas each): {done} completed, "
                    f"{sum(1 for i in self.ids if where.get(i) == ['failed'])} failed, "
                    f"{sum(1 for i in self.ids if len(where.get(i, [])) == 1)} in exactly one folder")
        self.where = where

    # --- index rows -------------------------------------------------------------
    def index(self):
        rows = self.pg.psql("SELECT task_id, status, count(*) OVER (PARTITION BY task_id) FROM generation_tasks")
        by_id = {}
        for task, status, n in rows:
            by_id.setdefault(task, []).append((status, int(n)))
        for i in self.ids:
            got = by_id.get(i, [])
            if len(got) != 1:
                self.fail(f"{i}: {len(got)} rows in generation_tasks, not one")
            elif self.where.get(i) and got[0][0] != self.where[i][0]:
                self.fail(f"{i}: index status {got[0][0]}, folder {self.where[i][0]}")
        stray = sorted(set(by_id) - set(self.ids))
        if stray:
            self.fail(f"index rows of no task: {stray[:10]}")
        results = self.pg.psql("SELECT t.task_id, count(*) FROM generation_results r JOIN generation_tasks t ON t.id = r.task_id GROUP BY 1")
        per = {t: int(n) for t, n in results}
        short = [i for i in self.ids if per.get(i, 0) != self.personas]
        if short:
            self.fail(f"tasks without {self.personas} generation_results rows: {short[:10]}")
        self.figure("index rows", f"{len(rows)} tasks, {sum(per.values())} results")

    # --- paid requests ------------------------------------------------------------
    def host_of(self, request):
        return self.net.host_of(request["client"])

    def hits(self, request):
        """Faults that caught this request in flight: its host affected, in flight during the fault's window
        (its answer may still have been on its way to disk for `slack` seconds)."""
        end = request["answered"] if request["answered"] is not None else float("inf")
        h = self.host_of(request)
        return [f for f in self.faults
                if h in f["hosts"] and request["arrived"] <= f["end"] + self.delivery(f) and end + self.slack >= f["start"]]

    # A request written to its socket during a partition reaches the fake only when TCP retransmits it
    # after the heal (even when the processor gave it up meanwhile: closing a socket does not drop the
    # bytes it still has to send): it was in flight during the fault.
    retransmit = 3.0

    def delivery(self, fault):
        return self.retransmit if fault["kind"] == "partition" else 0.0

    def delivered_late(self, request):
        """The partition of this request's host that it arrived just after the heal of, or None."""
        h = self.host_of(request)
        return next((f for f in self.faults if f["kind"] == "partition" and f["host"] == h
                     and f["end"] <= request["arrived"] <= f["end"] + self.retransmit), None)

    def paid_requests(self):
        total = len(self.requests)
        unnamed = [r for r in self.requests if not (r["id"] and REQUEST_ID.match(r["id"]))]
        if total and len(unnamed) == total:
            self.figure("image requests", f"{total} for {len(self.ids) * self.personas} personas "
                        f"(minimum {2 * len(self.ids) * self.personas}); not attributed to tasks: the binary sends no "
                        f"X-Client-Request-Id")
            if self.leases:
                self.fail("no image request carries an X-Client-Request-Id")
            return
        if unnamed:
            self.fail(f"{len(unnamed)} image requests without a well-formed X-Client-Request-Id, e.g. {unnamed[0]['id']!r}")
        per_key, hit_keys = {}, {}
        for r in self.requests:
            m = REQUEST_ID.match(r["id"] or "")
            if not m:
                continue
            key = (m["task"], int(m["persona"]), m["step"])
            per_key[key] = per_key.get(key, 0) + 1
            hit_keys[key] = hit_keys.get(key, 0) + len(self.hits(r))
        for key, n in sorted(per_key.items()):
            if n > 1 + hit_keys[key]:
                self.fail(f"{key}: {n} requests, more than 1 + {hit_keys[key]} fault(s) that hit it in flight")
        tasks = {}
        for (task, persona, step), n in per_key.items():
            tasks.setdefault(task, {}).setdefault(persona, set()).add(step)
        steps_seen = sorted({k[2] for k in per_key})
        for i in self.ids:
            if self.where.get(i) != ["completed"]:
                continue
            personas = tasks.get(i, {})
            if sorted(personas) != list(range(1, self.personas + 1)) or any(len(s) != 2 for s in personas.values()):
                self.fail(f"{i}: requests for personas/steps {dict((p, sorted(s)) for p, s in personas.items())}, "
                          f"expected 2 steps for each of personas 1…{self.personas}")
        stray = sorted(set(tasks) - set(self.ids))
        if stray:
            self.fail(f"image requests for unknown tasks: {stray[:10]}")
        extra = sum(n - 1 for n in per_key.values())
        allowed = sum(min(hit_keys[k], n - 1) if n > 1 else 0 for k, n in per_key.items())
        self.figure("image requests", f"{total} for {len(self.ids) * self.personas} personas (minimum {len(per_key)} "
                    f"= personas x steps {steps_seen}): {extra} repeated, each after a fault that hit it in flight "
                    f"({sum(hit_keys.values())} request x fault hits); {allowed} of the repeats accounted for")

    # --- fencing ------------------------------------------------------------------
    def fencing(self):
        if not self.leases:
            self.figure("fencing", "not checked (leases off)")
            return
        events = self.pg.psql("SELECT task_id, epoch, holder, event, extract(epoch FROM at) FROM task_lease_events ORDER BY at")
        acquired = {}  # (task, epoch) -> (time, holder)
        lost = {}  # (task, epoch) -> when its holder noticed it had lost it
        for task, epoch, holder, event, at in events:
            key = (task, int(epoch))
            if event == "acquired":
                if key in acquired:
                    self.fail(f"{task}: epoch {epoch} acquired twice ({acquired[key][1]}, {holder})")
                acquired[key] = (float(at), holder)
            elif event == "lost":
                lost[key] = min(lost.get(key, float("inf")), float(at))
        takeovers = sum(1 for (t, e) in acquired if e > 1)
        late = []
        window = []

        def after_lost(task, epoch, t, what, excuse=None):
            """Nothing of an epoch after its own holder noted it lost (the audit line's lag aside)."""
            if (task, epoch) in lost and t > lost[(task, epoch)] + self.audit_slack:
                line = f"{task}: {what} by epoch {epoch} {t - lost[(task, epoch)]:.3f} s after its holder noted the lease lost"
                if excuse:
                    window.append(line + excuse)
                else:
                    late.append(line)
                    self.fail(line)

        def check(task, epoch, t, what, who, slack, excuse=None):
            nxt = acquired.get((task, epoch + 1))
            if (task, epoch) not in acquired:
                self.fail(f"{task}: {what} by epoch {epoch}, which task_lease_events never shows acquired")
            elif who and acquired[(task, epoch)][1] != who and acquired[(task, epoch)][1].split(":")[0] != who:
                self.fail(f"{task}: {what} by epoch {epoch} from {who}, but {acquired[(task, epoch)][1]} holds it")
            if nxt and t >= nxt[0] + slack:
                host = int(who.split(":")[0].removeprefix("host")) if who and who.startswith("host") else None
                line = (f"{task}: {what} by epoch {epoch} {t - nxt[0]:.3f} s after epoch {epoch + 1} was acquired by {nxt[1]}"
                        f"{self.after_fault(nxt[0])}")
                if not what.startswith("index") and self.thawed(host, nxt[0], t):
                    window.append(line + " (right after SIGCONT: the README's window)")
                elif excuse:
                    window.append(line + excuse)
                else:
                    late.append(line)
                    self.fail(line)

        for a in self.audit:
            # An audit line is written just after its action: `audit_slack` covers that lag.
            check(a["task"], int(a["epoch"]), float(a["t"]), f"{a['action']} {a.get('what', '')}", a.get("node"), self.audit_slack)
            after_lost(a["task"], int(a["epoch"]), float(a["t"]), f"{a['action']} {a.get('what', '')}")
        for r in self.requests:
            m = REQUEST_ID.match(r["id"] or "")
            if m:
                h = self.host_of(r)
                f = self.delivered_late(r)
                excuse = f" (arrived {r['arrived'] - f['end']:.2f} s after host{h}'s partition healed: sent during it)" if f else None
                check(m["task"], int(m["epoch"]), r["arrived"], f"image request {r['id']}", f"host{h}" if h else None, 0.0, excuse)
                after_lost(m["task"], int(m["epoch"]), r["arrived"], f"image request {r['id']}", excuse)
        by_action = {}
        for a in self.audit:
            by_action[a["action"]] = by_action.get(a["action"], 0) + 1
        self.figure("fencing", f"{len(acquired)} epochs acquired ({takeovers} takeovers, {len(lost)} noted lost); "
                    f"audit {by_action}; {len(late)} action(s) after the next epoch or the loss; "
                    f"{len(window)} explained (a SIGSTOP between check and action, or a request TCP delivered after a heal)")
        for line in window:
            self.figure("  explained", line)

    audit_slack = 0.25

    def after_fault(self, t):
        """' (N s after <kind> on hostH)' for the last fault that began before t."""
        before = [f for f in self.faults if f["start"] <= t]
        if not before:
            return ""
        f = max(before, key=lambda f: f["start"])
        return f" ({t - f['start']:.1f} s after {f['kind']} on {('host%d' % f['host']) if f['host'] else 'all hosts'})"

    def thawed(self, host, taken, t):
        """Whether host was frozen by SIGSTOP when the task was taken from it and resumed at most 1 s before t:
        an action checked before the freeze and done right after it (README: the checkpoint window)."""
        return any(f["kind"] == "stop" and f["host"] == host and f["start"] <= taken and f["end"] <= t <= f["end"] + 1.0
                   for f in self.faults)

    # --- the index against a rebuild -------------------------------------------------
    def rebuild(self, binary, env):
        self.pg.psql(f"DROP TABLE IF EXISTS live_tasks, live_results; CREATE TABLE live_tasks AS {TASKS_VIEW}; "
                     f"CREATE TABLE live_results AS {RESULTS_VIEW}")
        r = subprocess.run([binary, "reindex"], env=env, capture_output=True, text=True, timeout=300)
        if r.returncode != 0:
            self.fail(f"reindex exited {r.returncode}: {r.stderr[-1000:]}")
            return
        diffs = {}
        for live, now in (("live_tasks", TASKS_VIEW), ("live_results", RESULTS_VIEW)):
            n = self.pg.psql(f"SELECT count(*) FROM ((SELECT * FROM {live} EXCEPT {now}) UNION ALL ({now} EXCEPT SELECT * FROM {live})) d")
            diffs[live] = int(n[0][0])
            if diffs[live]:
                self.fail(f"{live} differs from the rebuilt index in {diffs[live]} row(s)")
        self.figure("index == reindex", "yes" if not any(diffs.values()) else f"NO {diffs}")

    def faults_figure(self):
        for f in self.faults:
            touched = sum(1 for r in self.requests if f in self.hits(r))
            self.figure(f"  {f['kind']}", f"{('host%d' % f['host']) if f['host'] else 'all'} at +{f['start'] - self.t0:.1f} s "
                        f"for {f['end'] - f['start']:.1f} s, {touched} request(s) in flight in its window; {f['detail']}")


def read_audit(folder):
    out = []
    for path in sorted(glob.glob(os.path.join(folder, "audit-*.jsonl"))):
        for line in open(path, errors="replace"):
            line = line.strip()
            if line:
                try:
                    out.append(json.loads(line))
                except ValueError:
                    out.append({"task": "?", "epoch": -1, "t": 0, "action": "unparsable", "what": line[:200]})
    return out
