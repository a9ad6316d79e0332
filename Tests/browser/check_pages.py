#!/usr/bin/env python3
"""Opens pages in headless Chromium through the DevTools protocol (over
--remote-debugging-pipe: no sockets, no third-party module) and reports, per
page, as one JSON object on stdout:
  images: how many <img>; broken: those not decoded (naturalWidth 0);
  errors: console errors, exceptions and log entries of level error;
  pwned: window.__pwned (set only if hostile text ran as script);
  scripts: <script> elements in the DOM.
Exit 0 when every page loaded, else 2. Usage: check_pages.py URL...
"""
import json, os, shutil, subprocess, sys, time

def chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if shutil.which(name):
            return shutil.which(name)
    sys.exit("no chromium on PATH (make test installs Debian's chromium)")

class Browser:
    def __init__(self):
        to_chrome_r, self.to_chrome = os.pipe()
        self.from_chrome, from_chrome_w = os.pipe()
        # Chromium reads commands on fd 3 and writes answers on fd 4.
        def fds():
            # Copies first: a pipe end may itself be fd 3 or 4.
            a, b = os.dup(to_chrome_r), os.dup(from_chrome_w)
            os.dup2(a, 3)
            os.dup2(b, 4)
        self.proc = subprocess.Popen(
            [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-extensions", "--remote-debugging-pipe", "--user-data-dir=" + os.environ.get("TMPDIR", "/tmp")
             + "/avatar-chromium-%d" % os.getpid(), "about:blank"],
            close_fds=False, preexec_fn=fds,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self.buf = b""
        self.next_id = 0
        self.events = []

    def send(self, method, params=None, session=None, timeout=30):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self.to_chrome, json.dumps(msg).encode() + b"\0")
        deadline = time.time() + timeout
        while time.time() < deadline:
            m = self.read()
            if m.get("id") == self.next_id:
                if "error" in m:
                    raise RuntimeError(f"{method}: {m['error']}")
                return m.get("result", {})
            self.events.append(m)
        raise TimeoutError(method)

    def read(self):
        while b"\0" not in self.buf:
            chunk = os.read(self.from_chrome, 1 << 16)
            if not chunk:
                raise EOFError("chromium closed the pipe")
            self.buf += chunk
        raw, self.buf = self.buf.split(b"\0", 1)
        return json.loads(raw)

    def wait_event(self, name, session, timeout=30):
        for i, e in enumerate(self.events):
            if e.get("method") == name and e.get("sessionId") == session:
                return self.events.pop(i)
        deadline = time.time() + timeout
        while time.time() < deadline:
            m = self.read()
            if m.get("method") == name and m.get("sessionId") == session:
                return m
            self.events.append(m)
        raise TimeoutError(name)

    def close(self):
        try:
            self.send("Browser.close", timeout=5)
        except Exception:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()

PROBE = """JSON.stringify({
  images: document.images.length,
  broken: [...document.images].filter(i => !i.complete || i.naturalWidth === 0).map(i => i.getAttribute('src')),
  missingSize: [...document.images].filter(i => !i.getAttribute('width') || !i.getAttribute('height') || !i.getAttribute('alt')).length,
  pwned: window.__pwned === undefined ? null : window.__pwned,
  scripts: document.scripts.length,
  title: document.title,
  text: document.body.innerText.slice(0, 20000)
})"""

def check(browser, url):
    target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
    session = browser.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
    for domain in ("Page", "Runtime", "Log"):
        browser.send(domain + ".enable", session=session)
    browser.send("Page.navigate", {"url": url}, session=session)
    browser.wait_event("Page.loadEventFired", session)
    time.sleep(0.3)  # late console messages
    result = json.loads(browser.send("Runtime.evaluate", {"expression": PROBE, "returnByValue": True},
                                     session=session)["result"]["value"])
    errors = []
    for e in browser.events:
        if e.get("sessionId") != session:
            continue
        p = e.get("params", {})
        if e.get("method") == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
            errors.append("console: " + " ".join(str(a.get("value", a.get("description", ""))) for a in p.get("args", [])))
        elif e.get("method") == "Runtime.exceptionThrown":
            errors.append("exception: " + json.dumps(p.get("exceptionDetails", {}))[:500])
        elif e.get("method") == "Log.entryAdded" and p.get("entry", {}).get("level") == "error":
            errors.append("log: " + p["entry"].get("text", "") + " " + p["entry"].get("url", ""))
    browser.send("Target.closeTarget", {"targetId": target})
    result["errors"] = errors
    result["url"] = url
    return result

def main():
    browser = Browser()
    try:
        out = [check(browser, url) for url in sys.argv[1:]]
    finally:
        browser.close()
    print(json.dumps(out, ensure_ascii=False))

if __name__ == "__main__":
    main()
