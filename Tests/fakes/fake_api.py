#!/usr/bin/env python3
"""A strict fake of the OpenAI API (chat completions, images generations and
edits) and of Flowise's prediction API, plus a few generic endpoints for the
HTTP client's own tests. Python 3.11 stdlib only.

Binds 127.0.0.1 on a free port and prints "PORT <n>" as its first line.

Options: --api-key KEY (OpenAI Bearer, default "test-key"), --flowise-key KEY
(Flowise Bearer; none = no auth), --png-size N (side of generated PNGs;
default: the requested size, 1024x1024 for "auto"), --delay-ms N (added to
every image request), --image-latency S or MIN-MAX (seconds added to every
image request, drawn uniformly per request; --seed N makes the draws repeat),
--chat-delay-ms N, --bind ADDR (repeatable: listen on these addresses, all on
one port, instead of 127.0.0.1; scripts/hosts.sh binds the veth addresses its
network namespaces reach).

Models follow OpenAI's API as read on 2026-11-30 (deprecations page, image
generation guide, GET /v1/models): the gpt-image-2 family and later take any
size with edges that are multiples of 16, the longest at most 3840, a ratio
at most 3:1 and 655,360..8,294,400 pixels (or auto); quality low/medium/high
(+ xhigh/max from 2.5) or auto; complexity from 2.6; usage in tokens with
input/output details. Retired models (gpt-image-1 since 2026-10-23, dall-e-2
and dall-e-3 since 2026-05-12; gpt-image-1-mini, gpt-image-1.5 and
chatgpt-image-latest from 2026-12-01) answer 404 model_not_found, unless
--serve-retired makes the fake a compatible server that still serves them.
GET /v1/models lists what is served with "shutdown_date" (--model-shutdown
NAME=YYYY-MM-DD sets one; --no-models answers 404 there, as some servers do).
Reasoning chat models (gpt-5*, gpt-6*, o<digit>*) refuse temperature, top_p
and max_tokens.

Control:
  POST /_control {"script": [action, ...], "reset_stats": true, "delay_ms": n,
                 "models": {name: "YYYY-MM-DD"|null, ...}, "remove_models": [name, ...]}
     actions are consumed in order by the next matching requests (an action
     with "path": "/v1/images/edits" matches only that path), then normal
     behaviour resumes. Actions:
       {"status": 429, "headers": {...}, "body": "..."|{...}}   answer that
       {"hang": 5}            accept the request, answer nothing for 5 s
       {"reset": true}        close the connection with a TCP RST
       {"delay_ms": 200}      answer normally after a delay
       {"b64": "!!!"}         image answer with this b64_json
       {"not_png": true}      image answer whose bytes are not a PNG
       {"portrait": true}     image answer that is one picture filling the image, not a 2x2 grid
       {"truncated": true}    image answer whose Content-Length promises twice
                              the bytes sent; then the connection closes
       {"invalid_json": true} 200 image answer whose JSON is cut mid-way
                              (the Content-Length matches what is sent)
       {"moderation": true}   400 moderation_blocked
       {"insufficient_quota": true}  429 insufficient_quota
       {"persona": "prose"|"fence"|"missing_field"|"json_field"|"bad_type"}
       {"finish_reason": "length"} / {"refusal": "I can't help with that"}
  GET /_stats  {"requests": {path: n}, "max_inflight_images": n,
                "inflight_images": n, "connections": n, "sessions": [...],
                "last": {path: {"headers": {...}, "json": ...}}}
  GET /_requests  every image request since the start (or reset_stats), one
                JSON object a line, in order of arrival: {"id": its
                X-Client-Request-Id header or null, "path", "client": address,
                "arrived": unix seconds (body read), "answered": unix seconds
                (answer written, connection reset, or write failed), "status":
                HTTP status, "reset" or "error: <why>"}
Generic: /echo (any method; reports method, headers, body length, sha256, text),
         /status/<n>.
"""
import argparse, base64, hashlib, json, os, random, signal, socket, struct, sys, threading, time, uuid, zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PERSONA_FIELDS = {"firstname": str, "lastname": str, "gender": str, "age": int,
                  "country": str, "city": str, "occupation": str, "bio": str}
FIRST = ["Ana", "Bruno", "Chloe", "Dmitri", "Elif", "Farid", "Greta", "Hiro", "Ines", "Jonas",
         "Kaja", "Luca", "Mei", "Nils", "Olga", "Pablo", "Quinn", "Rosa", "Sven", "Tara"]
LAST = ["Silva", "Keller", "Martin", "Ivanov", "Yilmaz", "Haddad", "Berg", "Tanaka", "Costa",
        "Weber", "Novak", "Rossi", "Chen", "Lund", "Petrova", "Garcia", "Byrne", "Romero"]
SIZES = {"gpt-image-1": {"1024x1024", "1536x1024", "1024x1536", "auto"},
         "dall-e-3": {"1024x1024", "1792x1024", "1024x1792"},
         "dall-e-2": {"256x256", "512x512", "1024x1024"}}
QUALITY = {"gpt-image-1": {"low", "medium", "high", "auto"}, "dall-e-3": {"standard", "hd"},
           "dall-e-2": {"standard"}}
GEN_KEYS = {"model", "prompt", "n", "size", "quality", "response_format", "background",
            "output_format", "output_compression", "moderation", "style", "user", "complexity"}
CHAT_KEYS = {"model", "messages", "response_format", "temperature", "max_tokens",
             "max_completion_tokens", "n", "seed", "top_p", "user", "reasoning_effort"}
EDIT_PARTS = {"image", "prompt", "model", "size", "n", "quality", "input_fidelity",
              "response_format", "background", "output_format", "user", "mask", "complexity"}
# OpenAI's served models on 2026-11-30 and their announced shutdown dates.
CURRENT_MODELS = {"gpt-image-2": None, "gpt-image-2.5-flare": None, "gpt-image-2.5-sunburst": None,
                  "gpt-image-2.6-flare": None, "gpt-image-2.6-sunburst": None,
                  "gpt-image-1-mini": "2026-12-01", "gpt-image-1.5": "2026-12-01", "chatgpt-image-latest": "2026-12-01",
                  "gpt-6-luna": None, "gpt-4o-mini": "2027-01-14", "gpt-4o": "2027-01-14",
                  "test-chat": None}
# Shut down before 2026-11-30: 404 model_not_found unless --serve-retired.
RETIRED = {"gpt-image-1": "2026-10-23", "dall-e-2": "2026-05-12", "dall-e-3": "2026-05-12",
           "gpt-3.5-turbo": "2026-10-23", "gpt-4": "2026-10-23", "gpt-4-turbo": "2026-10-23"}


def fnv1a64(data):
    h = 0xcbf29ce484222325
    for b in data:
        h = ((h ^ b) * 0x100000001b3) & 0xffffffffffffffff
    return format(h, "016x")


def image_version(model):
    """gpt-image-2.6-flare -> (2, 6); chatgpt-image-latest -> (1, 0); None for other names."""
    if model == "chatgpt-image-latest":
        return (1, 0)
    if not model.startswith("gpt-image-"):
        return None
    head = ""
    for ch in model[len("gpt-image-"):]:
        if not (ch.isdigit() or ch == "."):
            break
        head += ch
    nums = head.split(".")
    if not nums[0].isdigit():
        return None
    return (int(nums[0]), int(nums[1]) if len(nums) > 1 and nums[1].isdigit() else 0)


def family(model):
    """'gpt-image-2' (2 and later), 'gpt-image-1', 'dall-e-2', 'dall-e-3' or None."""
    v = image_version(model)
    if v is not None:
        return "gpt-image-2" if v[0] >= 2 else "gpt-image-1"
    return model if model in ("dall-e-2", "dall-e-3") else None


def is_gpt_image(model):
    return family(model) in ("gpt-image-1", "gpt-image-2")


def size_problem(model, size):
    """Why `size` is refused for `model`, or None."""
    fam = family(model)
    if fam != "gpt-image-2":
        return None if size in SIZES[fam] else f"Invalid value: '{size}'. Supported values are: {sorted(SIZES[fam])}."
    if size == "auto":
        return None
    try:
        w, h = (int(x) for x in size.split("x"))
    except ValueError:
        return f"Invalid value for 'size': '{size}'."
    if w % 16 or h % 16:
        return f"Invalid size '{size}': width and height must be multiples of 16."
    if max(w, h) > 3840:
        return f"Invalid size '{size}': the longest edge must be at most 3840."
    if max(w, h) > 3 * min(w, h):
        return f"Invalid size '{size}': the aspect ratio must be at most 3:1."
    if not 655360 <= w * h <= 8294400:
        return f"Invalid size '{size}': the total pixels must be between 655360 and 8294400."
    return None


def qualities(model):
    fam = family(model)
    if fam != "gpt-image-2":
        return QUALITY[fam]
    return {"low", "medium", "high", "auto"} | ({"xhigh", "max"} if image_version(model) >= (2, 5) else set())


def takes_complexity(model):
    return family(model) == "gpt-image-2" and image_version(model) >= (2, 6)


def is_reasoning(model):
    return model.startswith(("gpt-5", "gpt-6")) or (len(model) > 1 and model[0] == "o" and model[1].isdigit())


def png_file(width, height, rows):
    """An 8-bit RGB PNG from filtered scanlines (each row: filter byte 0, then RGB)."""
    def chunk(kind, data):
        c = struct.pack(">I", len(data)) + kind + data
        return c + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff)
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(bytes(rows), 6))
            + chunk(b"IEND", b""))


def make_png(width, height=None):
    """A 2x2 grid as an image model draws one: four noisy gradient cells
    between near-white gutters (step 5 refuses a picture that is not a grid).
    One noisy row, shifted per line by a byte translation (C speed): quick
    even at 3840x2160."""
    height = height or width
    rnd = random.Random(width * 100003 + height)
    half_w, half_h = width // 2, height // 2
    gutter_w, gutter_h = max(1, width // 64), max(1, height // 64)
    white = 0xf8
    base = bytearray()
    for x in range(width):
        if abs(x - half_w) < gutter_w:
            base += bytes((white, white, white))
            continue
        n = rnd.randrange(24)
        base += bytes((20 + (x % half_w) * 200 // half_w + n, 64 + n, 128 + n))
    base = bytes(base)
    gutter_row = bytes([white]) * (3 * width)
    tables = {}
    rows = bytearray()
    for y in range(height):
        rows.append(0)
        if abs(y - half_h) < gutter_h:
            rows += gutter_row
            continue
        shift = (y % half_h) * 100 // half_h
        if shift not in tables:
            tables[shift] = bytes(b if b == white else min(255, b + shift) for b in range(256))
        rows += base.translate(tables[shift])

    return png_file(width, height, rows)


def make_portrait(width, height=None):
    """One face filling the image (a backdrop gradient, a head, shoulders), not
    a 2x2 grid: what step 5 must refuse rather than cut into four slivers."""
    height = height or width
    rnd = random.Random(width * 100003 + height + 1)
    rows = bytearray()
    cx, side = width / 2, min(width, height)
    for y in range(height):
        rows.append(0)
        for x in range(width):
            n = rnd.randrange(6)
            if ((x - cx) / (side * 0.22)) ** 2 + ((y - height * 0.4) / (side * 0.28)) ** 2 < 1:
                px = (214 + n, 170 + n, 140 + n)  # the face
            elif ((x - cx) / (width * 0.45)) ** 2 + ((y - height * 1.1) / (height * 0.42)) ** 2 < 1:
                px = (40 + n, 70 + n, 120 + n)  # shoulders
            else:
                px = (60 + y * 80 // height + n, 90 + y * 60 // height + n, 110 + n)
            rows += bytes(px)

    return png_file(width, height, rows)


# A persona whose text tries to run script in a page, in several scripts.
HOSTILE_PERSONA = {
    "firstname": "Layla<script>window.__pwned=1</script>",
    "lastname": "ليلى 山田 😀",
    "city": "東京 \"<b>bold</b>\"",
    "bio": "<img src=x onerror=\"window.__pwned=2\"> Likes commas, \"quotes\" and\nnew lines; "
           "مرحبا بالعالم, こんにちは世界 🎉 </p><script>window.__pwned=3</script>",
}


class State:
    def __init__(self, args):
        self.args = args
        self.lock = threading.Lock()
        self.script = []
        self.delay_ms = args.delay_ms
        self.latency_random = random.Random(args.seed)
        self.pngs = {}
        self.answers = {}
        self.models = dict(CURRENT_MODELS)
        if args.serve_retired:
            self.models.update({m: None for m in ("gpt-image-1", "dall-e-2", "dall-e-3")})
        for item in args.model_shutdown:
            name, _, date = item.partition("=")
            self.models[name] = date or None
        self.reset_stats()

    def reset_stats(self):
        self.requests = {}
        self.inflight = 0
        self.max_inflight = 0
        self.ports = set()
        self.sessions = []
        self.last = {}
        self.counter = 0
        self.image_log = []

    def png(self, size):
        """A PNG of the requested size (--png-size wins; auto is 1024x1024), made once."""
        if self.args.png_size:
            w = h = self.args.png_size
        elif size and size != "auto" and "x" in size:
            w, h = (int(x) for x in size.split("x"))
        else:
            w = h = 1024
        with self.lock:
            cached = self.pngs.get((w, h))
        if cached is None:
            cached = make_png(w, h)
            with self.lock:
                self.pngs[(w, h)] = cached
        return cached

    def served(self, model):
        """None when `model` is served today, else its shutdown date (or 'unknown')."""
        with self.lock:
            if model in self.models:
                date = self.models[model]
                if date is None or date > time.strftime("%Y-%m-%d", time.gmtime()):
                    return None
                return date
        return RETIRED.get(model, "unknown")

    def take(self, path):
        with self.lock:
            for i, action in enumerate(self.script):
                if action.get("path") in (None, path):
                    return self.script.pop(i)
        return {}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "fake-api/1"

    def log_message(self, fmt, *args):
        pass

    # --- plumbing -----------------------------------------------------------
    def read_body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            data = b""
            while True:
                size = int(self.rfile.readline().strip().split(b";")[0], 16)
                if size == 0:
                    self.rfile.readline()
                    return data, True
                data += self.rfile.read(size)
                self.rfile.readline()
        n = int(self.headers.get("Content-Length", "0") or 0)
        return (self.rfile.read(n) if n else b""), False

    def send(self, status, body, headers=None, ctype="application/json"):
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
        elif isinstance(body, str):
            body = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, str(v))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def error(self, status, message, code=None, etype="invalid_request_error", param=None):
        self.send(status, {"error": {"message": message, "type": etype, "param": param, "code": code}})

    def send_response(self, code, message=None):
        self.answer_status = code
        super().send_response(code, message)

    def image_latency(self):
        """Seconds --image-latency adds to this image request (0 without it)."""
        st = self.server.state
        low, high = st.args.image_latency
        if high <= 0:
            return 0.0
        with st.lock:
            return st.latency_random.uniform(low, high)

    def reset(self):
        self.answer_status = "reset"
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()
        self.close_connection = True

    def do_GET(self): self.dispatch()
    def do_POST(self): self.dispatch()
    def do_PUT(self): self.dispatch()
    def do_DELETE(self): self.dispatch()
    def do_HEAD(self): self.dispatch()
    def do_PATCH(self): self.dispatch()

    def dispatch(self):
        st = self.server.state
        path = self.path.split("?")[0]
        body, chunked = self.read_body()
        if path == "/_control":
            ctl = json.loads(body or b"{}")
            with st.lock:
                if ctl.get("reset_stats"):
                    st.reset_stats()
                if "script" in ctl:
                    st.script = list(ctl["script"])
                if "delay_ms" in ctl:
                    st.delay_ms = ctl["delay_ms"]
                st.models.update(ctl.get("models", {}))
                for name in ctl.get("remove_models", []):
                    st.models.pop(name, None)
            return self.send(200, {"ok": True})
        if path == "/_requests":
            with st.lock:
                lines = "".join(json.dumps(r) + "\n" for r in st.image_log)
            return self.send(200, lines, ctype="application/x-ndjson")
        if path == "/_stats":
            with st.lock:
                return self.send(200, {"requests": st.requests, "max_inflight_images": st.max_inflight,
                                       "inflight_images": st.inflight, "connections": len(st.ports),
                                       "cpu_seconds": time.process_time(),
                                       "sessions": st.sessions, "last": st.last})
        with st.lock:
            st.requests[path] = st.requests.get(path, 0) + 1
            st.ports.add(self.client_address[1])
        action = st.take(path)
        image = path in ("/v1/images/generations", "/v1/images/edits")
        record = None
        if image:
            record = {"id": self.headers.get("X-Client-Request-Id"), "path": path,
                      "client": self.client_address[0], "arrived": time.time(), "answered": None, "status": None}
            with st.lock:
                st.inflight += 1
                st.max_inflight = max(st.max_inflight, st.inflight)
                st.image_log.append(record)
        self.answer_status = None
        try:
            self.route(path, body, chunked, action, image)
        except OSError as e:
            self.answer_status = f"error: {type(e).__name__}"
            raise
        finally:
            if image:
                with st.lock:
                    st.inflight -= 1
                    record["answered"] = time.time()
                    record["status"] = self.answer_status

    def route(self, path, body, chunked, action, image):
        st = self.server.state
        if "hang" in action:
            time.sleep(action["hang"])
            return self.reset()
        if action.get("reset"):
            return self.reset()
        delay = action.get("delay_ms", st.delay_ms if image else self.server.state.args.chat_delay_ms) / 1000
        if image:
            delay += self.image_latency()
        if delay:
            time.sleep(delay)
        if "status" in action:
            b = action.get("body")
            if b is None:
                b = ("Too many requests, please try again later." if path.startswith("/api/v1/prediction")
                     else {"error": {"message": f"fake status {action['status']}", "type": "server_error",
                                     "param": None, "code": None}})
            ctype = "text/plain" if isinstance(b, str) else "application/json"
            return self.send(action["status"], b, action.get("headers"), ctype)
        if action.get("insufficient_quota"):
            return self.error(429, "You exceeded your current quota, please check your plan and billing details.",
                              "insufficient_quota", "insufficient_quota")
        if path == "/echo":
            return self.send(200, {"method": self.command, "path": self.path, "chunked": chunked,
                                   "headers": {k.lower(): v for k, v in self.headers.items()},
                                   "body_length": len(body), "sha256": hashlib.sha256(body).hexdigest(), "fnv1a64": fnv1a64(body),
                                   "text": body.decode("utf-8", "replace") if len(body) < 4096 else None})
        if path.startswith("/status/"):
            return self.send(int(path.split("/")[2]), {"status": int(path.split("/")[2])})
        if path == "/api/v1/ping":
            return self.send(200, "pong", ctype="text/plain")
        if path.startswith("/api/v1/prediction/"):
            return self.flowise(body, action)
        if not path.startswith("/v1/"):
            return self.error(404, f"Invalid URL ({self.command} {path})")
        if self.headers.get("Authorization") != f"Bearer {st.args.api_key}":
            return self.error(401, "Incorrect API key provided.", "invalid_api_key")
        if path == "/v1/models" and self.command == "GET":
            if st.args.no_models:
                return self.error(404, f"Invalid URL (GET {path})")
            with st.lock:
                models = dict(st.models)
            return self.send(200, {"object": "list", "data": [
                {"id": m, "object": "model", "created": 1767225600, "owned_by": "system", "shutdown_date": d}
                for m, d in sorted(models.items())]})
        if self.command != "POST":
            return self.error(405, f"Method {self.command} not allowed")
        if path == "/v1/chat/completions":
            return self.chat(body, action)
        if path == "/v1/images/generations":
            return self.generations(body, action)
        if path == "/v1/images/edits":
            return self.edits(body, action)
        return self.error(404, f"Invalid URL (POST {path})")

    # --- personas -----------------------------------------------------------
    def next_persona(self):
        st = self.server.state
        with st.lock:
            st.counter += 1
            n = st.counter
        return {"firstname": FIRST[n % len(FIRST)], "lastname": LAST[(n * 7) % len(LAST)] + (str(n) if n > 18 else ""),
                "gender": "female" if n % 2 else "male", "age": 20 + n % 40, "country": "PT",
                "city": "Lisbon", "occupation": "engineer", "bio": f"Persona number {n}, who likes tests."}

    def persona_text(self, how):
        p = self.next_persona()
        if how == "missing_field":
            del p["city"]
        if how == "bad_type":
            p["age"] = "thirty"
        if how == "hostile":  # markup and every script a page must render as text
            p.update(HOSTILE_PERSONA)
        text = json.dumps(p)
        if how == "prose":
            return "Sure! Here is the persona you asked for:\n" + text + "\nLet me know if you need more."
        if how == "fence":
            return "Here you go:\n```json\n" + json.dumps(p, indent=2) + "\n```\nEnjoy."
        return text

    def flowise(self, body, action):
        st = self.server.state
        if st.args.flowise_key and self.headers.get("Authorization") != f"Bearer {st.args.flowise_key}":
            return self.send(401, {"error": "Unauthorized Access"})
        try:
            req = json.loads(body)
        except ValueError:
            return self.send(400, {"error": "invalid JSON"})
        if not isinstance(req, dict) or not isinstance(req.get("question"), str) or not req["question"]:
            return self.send(400, {"error": "question must be a non-empty string"})
        if set(req) - {"question", "overrideConfig", "history", "streaming"}:
            return self.send(400, {"error": f"unknown fields {sorted(set(req) - {'question', 'overrideConfig'})}"})
        oc = req.get("overrideConfig", {})
        if not isinstance(oc, dict) or ("sessionId" in oc and not isinstance(oc["sessionId"], str)):
            return self.send(400, {"error": "overrideConfig.sessionId must be a string"})
        session = oc.get("sessionId") or str(uuid.uuid4())
        with st.lock:
            st.sessions.append(session)
            st.last["flowise"] = {"headers": {k.lower(): v for k, v in self.headers.items()}, "json": req}
        base = {"question": req["question"], "chatId": session, "sessionId": session,
                "chatMessageId": str(uuid.uuid4())}
        if "persona" in req["question"].lower() and "json" in req["question"].lower():
            how = action.get("persona", "plain")
            if how == "json_field":
                return self.send(200, dict(base, json=self.next_persona()))
            return self.send(200, dict(base, text=self.persona_text(how)))
        return self.send(200, dict(base, text="A natural smartphone selfie of a smiling person in Lisbon, daylight."))

    def chat(self, body, action):
        st = self.server.state
        try:
            req = json.loads(body)
        except ValueError:
            return self.error(400, "We could not parse the JSON body of your request.")
        if not isinstance(req, dict):
            return self.error(400, "body must be an object")
        extra = set(req) - CHAT_KEYS
        if extra:
            return self.error(400, f"Unrecognized request argument supplied: {sorted(extra)[0]}")
        if not isinstance(req.get("model"), str):
            return self.error(400, "you must provide a model parameter", param="model")
        if st.served(req["model"]):
            return self.model_not_found(req["model"])
        if is_reasoning(req["model"]):
            for bad in ("temperature", "top_p"):
                if bad in req:
                    return self.error(400, f"Unsupported parameter: '{bad}' is not supported with this model.",
                                      "unsupported_parameter", param=bad)
            if "max_tokens" in req:
                return self.error(400, "Unsupported parameter: 'max_tokens' is not supported with this model. "
                                  "Use 'max_completion_tokens' instead.", "unsupported_parameter", param="max_tokens")
        msgs = req.get("messages")
        if not isinstance(msgs, list) or not msgs or not all(
                isinstance(m, dict) and m.get("role") in ("system", "user", "assistant")
                and isinstance(m.get("content"), str) for m in msgs):
            return self.error(400, "Invalid 'messages'", param="messages")
        rf = req.get("response_format")
        if rf is not None:
            problem = self.check_response_format(rf)
            if problem:
                return self.error(400, problem, param="response_format")
        with st.lock:
            st.last["chat"] = {"headers": {k.lower(): v for k, v in self.headers.items()}, "json": req}
        refusal = action.get("refusal")
        if rf is not None:
            content = None if refusal else self.persona_text(action.get("persona", "plain"))
        else:
            content = None if refusal else "A natural smartphone selfie of a smiling person in Lisbon, daylight."
        return self.send(200, {
            "id": "chatcmpl-" + uuid.uuid4().hex, "object": "chat.completion", "created": int(time.time()),
            "model": req["model"],
            "choices": [{"index": 0, "message": {"role": "assistant", "content": content, "refusal": refusal},
                         "finish_reason": action.get("finish_reason", "stop")}],
            "usage": {"prompt_tokens": 50, "completion_tokens": 80, "total_tokens": 130}})

    def check_response_format(self, rf):
        if not isinstance(rf, dict) or rf.get("type") != "json_schema":
            return "response_format.type must be 'json_schema'"
        js = rf.get("json_schema")
        if not isinstance(js, dict) or not isinstance(js.get("name"), str) or js.get("strict") is not True:
            return "response_format.json_schema needs a name and strict: true"
        return self.check_schema(js.get("schema"), "schema")

    def check_schema(self, s, where):
        if not isinstance(s, dict):
            return f"{where} must be an object"
        if s.get("type") == "object":
            props = s.get("properties")
            if not isinstance(props, dict):
                return f"{where}.properties missing"
            if s.get("additionalProperties") is not False:
                return f"Invalid schema: 'additionalProperties' is required to be supplied and to be false ({where})"
            if sorted(s.get("required", [])) != sorted(props):
                return f"Invalid schema: 'required' must include every key in properties ({where})"
            if where == "schema" and set(props) != set(PERSONA_FIELDS):
                return f"schema properties {sorted(props)} are not a persona"
            for k, v in props.items():
                p = self.check_schema(v, f"{where}.{k}")
                if p:
                    return p
        elif s.get("type") not in ("string", "integer", "number", "boolean", "array"):
            return f"{where}.type invalid"
        return None

    def model_not_found(self, model):
        return self.error(404, f"The model `{model}` does not exist or you do not have access to it.",
                          "model_not_found")

    # --- images -------------------------------------------------------------
    def image_answer(self, model, action, size=None, quality=None, edit=False):
        st = self.server.state
        if action.get("moderation"):
            return self.error(400, "Your request was rejected by the safety system. safety_violations=[sexual].",
                              "moderation_blocked", "image_generation_user_error")
        png = st.png(size)
        if action.get("truncated") or action.get("invalid_json"):
            full = json.dumps(self.image_json(base64.b64encode(png).decode(), model)).encode()
            cut = full[:len(full) // 2]
            if action.get("invalid_json"):
                return self.send(200, cut)
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(full)))
            self.end_headers()
            self.wfile.write(cut)
            self.wfile.flush()
            self.close_connection = True
            return
        if "b64" in action:
            b64 = action["b64"]
        elif action.get("not_png"):
            b64 = base64.b64encode(b"GIF89a this is not a png at all").decode()
        elif action.get("portrait"):
            side = self.server.state.args.png_size
            w, h = (side, side) if side else (tuple(int(x) for x in size.split("x")) if size and "x" in size else (1024, 1024))
            b64 = base64.b64encode(make_portrait(w, h)).decode()
        else:
            # The normal answer is the same every time: encode it once (the
            # fake must not be the bottleneck of a benchmark).
            key = (model, size, quality, edit)
            with st.lock:
                cached = st.answers.get(key)
            if cached is None:
                cached = json.dumps(self.image_json(base64.b64encode(png).decode(), model, size, quality, edit)).encode()
                with st.lock:
                    st.answers[key] = cached
            return self.send(200, cached)
        return self.send(200, self.image_json(b64, model, size, quality, edit))

    # Output tokens of a 1024x1024 image per quality (gpt-image-1's published
    # table; the 2.x models report the same shape), scaled by pixel count.
    OUTPUT_TOKENS = {"low": 272, "medium": 1056, "high": 4160, "xhigh": 6240, "max": 8320, "auto": 1056, None: 1056}

    @classmethod
    def image_json(cls, b64, model, size=None, quality=None, edit=False):
        out = {"created": int(time.time()), "data": [{"b64_json": b64}]}
        if family(model) == "gpt-image-1":
            out["usage"] = {"input_tokens": 50, "output_tokens": 4160, "total_tokens": 4210,
                            "input_tokens_details": {"text_tokens": 50, "image_tokens": 0}}
        elif family(model) == "gpt-image-2":
            pixels = 1024 * 1024
            if size and size != "auto":
                w, h = (int(x) for x in size.split("x"))
                pixels = w * h
            output = cls.OUTPUT_TOKENS.get(quality, 1056) * pixels // (1024 * 1024)
            text, image = 60, (1290 if edit else 0)
            out["usage"] = {"input_tokens": text + image, "output_tokens": output,
                            "total_tokens": text + image + output,
                            "input_tokens_details": {"text_tokens": text, "image_tokens": image},
                            "output_tokens_details": {"image_tokens": output, "text_tokens": 0}}
        return out

    def check_common(self, model, size, quality, n, complexity=None):
        fam = family(model) if isinstance(model, str) else None
        if fam is None:
            return f"Invalid value for 'model': {model!r}."
        if size is not None:
            problem = size_problem(model, size)
            if problem:
                return problem
        if quality is not None and quality not in qualities(model):
            return f"Invalid value for 'quality': {quality!r}. Supported values are: {sorted(qualities(model))}."
        if complexity is not None:
            if not takes_complexity(model):
                return f"Unknown parameter: 'complexity' is not supported with {model}."
            if complexity not in ("low", "medium", "high"):
                return f"Invalid value for 'complexity': {complexity!r}."
        if n is not None and n != 1:
            return "Invalid 'n': this fake only makes one image."
        return None

    def generations(self, body, action):
        st = self.server.state
        if not self.headers.get("Content-Type", "").startswith("application/json"):
            return self.error(400, "Content-Type must be application/json")
        try:
            req = json.loads(body)
        except ValueError:
            return self.error(400, "We could not parse the JSON body of your request.")
        extra = set(req) - GEN_KEYS
        if extra:
            return self.error(400, f"Unknown parameter: '{sorted(extra)[0]}'.", "unknown_parameter")
        if not isinstance(req.get("prompt"), str) or not req["prompt"]:
            return self.error(400, "Missing required parameter: 'prompt'.", "missing_required_parameter")
        if "n" in req and not isinstance(req["n"], int):
            return self.error(400, "Invalid type for 'n': expected an integer.")
        model = req.get("model", "dall-e-2")
        if isinstance(model, str) and st.served(model):
            return self.model_not_found(model)
        problem = self.check_common(model, req.get("size"), req.get("quality"), req.get("n"), req.get("complexity"))
        if problem:
            return self.error(400, problem)
        if is_gpt_image(model) and "response_format" in req:
            return self.error(400, "Unknown parameter: 'response_format'.", "unknown_parameter")
        if not is_gpt_image(model) and req.get("response_format") != "b64_json":
            return self.error(400, "this fake serves DALL-E only as b64_json")
        with st.lock:
            st.last["generations"] = {"headers": {k.lower(): v for k, v in self.headers.items()}, "json": req}
        return self.image_answer(model, action, req.get("size"), req.get("quality"))

    def edits(self, body, action):
        st = self.server.state
        ctype = self.headers.get("Content-Type", "")
        if not ctype.startswith("multipart/form-data") or "boundary=" not in ctype:
            return self.error(400, "Content-Type must be multipart/form-data with a boundary")
        boundary = ctype.split("boundary=", 1)[1].strip().strip('"').encode()
        parts = {}
        for raw in body.split(b"--" + boundary)[1:]:
            if raw.startswith(b"--"):
                break
            if not raw.startswith(b"\r\n") or not raw.endswith(b"\r\n"):
                return self.error(400, "malformed multipart body")
            head, _, data = raw[2:-2].partition(b"\r\n\r\n")
            hdrs = {}
            for line in head.decode().split("\r\n"):
                k, _, v = line.partition(":")
                hdrs[k.strip().lower()] = v.strip()
            disp = hdrs.get("content-disposition", "")
            if not disp.startswith("form-data"):
                return self.error(400, "part without form-data disposition")
            params = dict(p.strip().split("=", 1) for p in disp.split(";")[1:])
            name = params.get("name", "").strip('"')
            if name in parts:
                return self.error(400, f"duplicate part {name}")
            parts[name] = {"data": data, "filename": params.get("filename", "").strip('"') or None,
                           "type": hdrs.get("content-type")}
        extra = set(parts) - EDIT_PARTS
        if extra:
            return self.error(400, f"Unknown parameter: '{sorted(extra)[0]}'.", "unknown_parameter")
        img = parts.get("image")
        if img is None:
            return self.error(400, "Missing required parameter: 'image'.", "missing_required_parameter")
        if not img["filename"] or not img["filename"].endswith(".png") or img["type"] != "image/png":
            return self.error(400, "Invalid file 'image': unsupported mimetype. Supported: image/png.",
                              "invalid_image_format")
        if not img["data"].startswith(b"\x89PNG\r\n\x1a\n") or img["data"][12:16] != b"IHDR":
            return self.error(400, "Invalid image file or mode for image 1, please check your image file.",
                              "invalid_image")
        fields = {k: v["data"].decode() for k, v in parts.items() if k != "image"}
        if any(parts[k]["filename"] for k in fields):
            return self.error(400, "text fields must not be files")
        if not fields.get("prompt"):
            return self.error(400, "Missing required parameter: 'prompt'.", "missing_required_parameter")
        model = fields.get("model", "dall-e-2")
        if st.served(model):
            return self.model_not_found(model)
        problem = self.check_common(model, fields.get("size"), fields.get("quality"),
                                    int(fields["n"]) if "n" in fields else None, fields.get("complexity"))
        if problem:
            return self.error(400, problem)
        if "input_fidelity" in fields and (family(model) != "gpt-image-1" or "mini" in model
                                           or fields["input_fidelity"] not in ("high", "low")):
            return self.error(400, "Invalid 'input_fidelity' for this model.")
        if is_gpt_image(model) and "response_format" in fields:
            return self.error(400, "Unknown parameter: 'response_format'.", "unknown_parameter")
        with st.lock:
            st.last["edits"] = {"headers": {k.lower(): v for k, v in self.headers.items()},
                                "json": dict(fields, image={"filename": img["filename"], "type": img["type"],
                                                            "length": len(img["data"])})}
        return self.image_answer(model, action, fields.get("size"), fields.get("quality"), edit=True)


class Server(ThreadingHTTPServer):
    # listen() runs in the constructor with this backlog: the default of 5
    # drops SYNs when 8 clients connect at once, and each dropped one costs a
    # 1 s retransmit, so it must be a class attribute, not set afterwards.
    request_queue_size = 128
    daemon_threads = True


def latency_range(text):
    """'2' -> (2.0, 2.0); '1-2' -> (1.0, 2.0): seconds."""
    low, _, high = text.partition("-")
    low, high = float(low), float(high or low)
    if low < 0 or high < low:
        raise argparse.ArgumentTypeError(f"expected S or MIN-MAX seconds with 0 <= MIN <= MAX, got {text!r}")
    return low, high


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--api-key", default="test-key")
    ap.add_argument("--flowise-key", default=None)
    ap.add_argument("--png-size", type=int, default=None)
    ap.add_argument("--serve-retired", action="store_true")
    ap.add_argument("--no-models", action="store_true")
    ap.add_argument("--model-shutdown", action="append", default=[])
    ap.add_argument("--delay-ms", type=int, default=0)
    ap.add_argument("--chat-delay-ms", type=int, default=0)
    ap.add_argument("--image-latency", type=latency_range, default=(0.0, 0.0), metavar="S|MIN-MAX")
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--bind", action="append", default=[], metavar="ADDR")
    args = ap.parse_args()
    # A parent may have spawned us with signals blocked (Swift's test runner
    # does): unblock them so terminate() works.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    state = State(args)
    addresses = args.bind or ["127.0.0.1"]
    servers = []
    for address in addresses:  # the first picks a free port, the others take the same
        server = Server((address, servers[0].server_address[1] if servers else 0), Handler)
        server.state = state
        servers.append(server)
    print(f"PORT {servers[0].server_address[1]}", flush=True)
    # Exit when the parent closes our stdin (a test process that died).
    threading.Thread(target=lambda: (sys.stdin.read(), os._exit(0)), daemon=True).start()
    for server in servers[1:]:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        servers[0].serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
