"""`avatar-spool run` on a host: `ip netns exec <ns> env … avatar-spool run`.
`ip netns exec` and `env` both exec, so the pid we hold is the processor's own,
and SIGKILL, SIGSTOP and SIGCONT reach it directly. Each start of a host's
processor (an incarnation) logs to its own file."""
import os
import signal
import subprocess


class Processor:
    def __init__(self, host, binary, prefix, env, logs):
        self.host, self.binary, self.prefix, self.env, self.logs = host, binary, prefix, env, logs
        self.proc = None
        self.incarnation = 0
        self.stopped = False

    @property
    def name(self):
        return f"host{self.host}"

    @property
    def pid(self):
        return self.proc.pid if self.proc else None

    def start(self):
        self.incarnation += 1
        log = open(os.path.join(self.logs, f"{self.name}-{self.incarnation}.log"), "w")
        env_args = [f"{k}={v}" for k, v in sorted(self.env.items())]
        self.proc = subprocess.Popen(self.prefix + ["env", "-i", *env_args, self.binary, "run"],
                                     stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        log.close()
        self.stopped = False

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def signal(self, sig):
        if self.alive():
            os.kill(self.proc.pid, sig)

    def kill(self):
        """SIGKILL and reap (a stopped process dies too)."""
        if self.alive():
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        self.stopped = False

    def stop(self):
        self.signal(signal.SIGSTOP)
        self.stopped = True

    def cont(self):
        self.signal(signal.SIGCONT)
        self.stopped = False

    def terminate(self, timeout=30):
        """SIGTERM (after SIGCONT if stopped), then SIGKILL if it lingers. Returns the exit status."""
        if not self.alive():
            return self.proc.returncode if self.proc else None
        if self.stopped:
            self.cont()
        os.kill(self.proc.pid, signal.SIGTERM)
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            return self.proc.returncode

    def log_text(self):
        out = []
        for n in range(1, self.incarnation + 1):
            try:
                out.append(open(os.path.join(self.logs, f"{self.name}-{n}.log"), errors="replace").read())
            except OSError:
                pass
        return "\n".join(out)
