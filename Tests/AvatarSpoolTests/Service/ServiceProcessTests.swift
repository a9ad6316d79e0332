import AvatarHTTP
import AvatarSystem
import Foundation
import Testing

extension Reliability {
    /// Issue 9: the processor as a systemd service, as systemd and an
    /// operator see it (the built binary, a real notify socket, real hooks).
    @Suite(.serialized) struct ServiceProcessTests {
        static func hookScript(_ dir: String, _ body: String, mode: mode_t = 0o755) throws -> String {
            let path = dir + "/hook.sh"
            let bytes = Array(("#!/bin/sh\n" + body + "\n").utf8)
            let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
            guard fd >= 0 else { throw POSIXError(.EIO) }
            _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            close(fd)
            return path
        }

        static func hookRecord(_ spool: String, _ stage: String, _ id: String) -> [String: Any] {
            guard let text = TestKit.read("\(spool)/\(stage)/\(id)/hooks.json"),
                  let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else { return [:] }
            return object
        }

        @Test("systemd hears READY=1 with a status line after the start-up scan, WATCHDOG=1 while it works, STOPPING=1 on SIGTERM")
        func notify() async throws {
            let base = try TestKit.makeTempDir("notify")
            defer { TestKit.remove(base) }
            let spool = base + "/spool"
            let receiver = try DatagramReceiver(address: base + "/notify.sock")
            let env = TestKit.environment(spool: spool, ["NOTIFY_SOCKET": receiver.address, "WATCHDOG_USEC": "400000"])
            try TestKit.run(["reindex"], env: env)
            try TestKit.drop(TaskFile.simple(id: "one", count: 1), as: "one.json", spool: spool)
            let processor = try SpoolProcess(env: env, logPath: base + "/run.log")
            let ready = await BlockingPool.shared.run { receiver.receive(until: "READY=1", timeout: 60) }
            #expect(ready.match?.contains("STATUS=pending 1, working 0 (0/0 personas), completed 0, failed 0") == true,
                    "\(ready.all) \(processor.log)")
            let pets = await BlockingPool.shared.run { () -> Int in
                var n = 0
                for _ in 0..<3 { if receiver.receive(until: "WATCHDOG=1", timeout: 10).match != nil { n += 1 } }
                return n
            }
            #expect(pets == 3)
            #expect(await TestKit.waitUntil(timeout: 60) { TestKit.list(spool + "/completed") == ["one"] })
            processor.send(SIGTERM)
            let stopping = await BlockingPool.shared.run { receiver.receive(until: "STOPPING=1", timeout: 30) }
            #expect(stopping.match?.contains("EXTEND_TIMEOUT_USEC=") == true, "\(stopping.all)")
            #expect(try await processor.waitForExit(timeout: 60) == 0)
        }

        @Test("a task loop busy without progress past AVATAR_WATCHDOG_HORIZON stops the petting; progress resumes it")
        func watchdogStops() async throws {
            let base = try TestKit.makeTempDir("wedge")
            defer { TestKit.remove(base) }
            let spool = base + "/spool"
            let receiver = try DatagramReceiver(address: base + "/notify.sock")
            // One persona whose two image requests take 8 s each: no checkpoint for 8 s, horizon 1 s.
            let env = TestKit.environment(spool: spool, ["NOTIFY_SOCKET": receiver.address, "WATCHDOG_USEC": "400000",
                                                    "AVATAR_WATCHDOG_HORIZON": "1", "IMAGE_CONCURRENCY": "1",
                                                    "AVATAR_BUILTIN_IMAGE_DELAY_MS": "8000"])
            try TestKit.run(["reindex"], env: env)
            let processor = try SpoolProcess(env: env, logPath: base + "/run.log")
            defer { processor.kill() }
            _ = await BlockingPool.shared.run { receiver.receive(until: "READY=1", timeout: 60) }
            try TestKit.drop(TaskFile.simple(id: "wedge", count: 1), as: "wedge.json", spool: spool)
            #expect(await TestKit.waitUntil(timeout: 60) { processor.log.contains("no longer petting the systemd watchdog") }, "\(processor.log)")
            let quiet = await BlockingPool.shared.run { () -> (match: String?, all: [String]) in
                while receiver.receive(timeout: 0) != nil {}  // pets from before the wedge
                return receiver.receive(until: "WATCHDOG=1", timeout: 1.0)
            }
            #expect(quiet.match == nil, "petted while wedged: \(quiet.all)")
            #expect(processor.log.contains("the task loop made no progress"))
            #expect(await TestKit.waitUntil(timeout: 60) { TestKit.list(spool + "/completed") == ["wedge"] })
            let again = await BlockingPool.shared.run { receiver.receive(until: "WATCHDOG=1", timeout: 30) }
            #expect(again.match != nil)
        }

        @Test("the on-finish program runs once per finished task; hangs, crashes and a megabyte of output leave the processor working")
        func onFinish() async throws {
            let base = try TestKit.makeTempDir("hooks")
            defer { TestKit.remove(base) }
            let spool = base + "/spool"
            let hook = try Self.hookScript(base, """
                echo "$AVATAR_TASK_ID $AVATAR_TASK_STATUS $AVATAR_TASK_DIR $AVATAR_RESULT" >> \(base)/ran.log
                case "$AVATAR_TASK_ID" in
                  hang) sleep 300 ;;
                  crash) kill -SEGV $$ ;;
                  chatty) head -c 1048576 /dev/zero | tr '\\\\0' y ;;
                  bad*) exit 7 ;;
                esac
                echo "done with $AVATAR_TASK_ID"
                """)
            let env = TestKit.environment(spool: spool, ["AVATAR_ON_FINISH": hook, "AVATAR_HOOK_TIMEOUT": "2"])
            try TestKit.run(["reindex"], env: env)
            for id in ["ok", "hang", "crash", "chatty"] {
                try TestKit.drop(TaskFile.simple(id: id, count: 1, images: false), as: "\(id).json", spool: spool)
            }
            try TestKit.drop(Array(#"{"task_id": "bad", "count": 0}"#.utf8), as: "bad.json", spool: spool)
            let first = try TestKit.run(["run", "--drain"], env: env)
            #expect(first.status == 0, "\(first.output)")
            #expect(TestKit.list(spool + "/completed") == ["chatty", "crash", "hang", "ok"])
            #expect(TestKit.list(spool + "/failed") == ["bad"])
            let ran = (TestKit.read(base + "/ran.log") ?? "").split(separator: "\n")
            #expect(ran.count == 5, "\(ran)")
            #expect(ran.contains("ok completed \(spool)/completed/ok \(spool)/completed/ok/result.json"))
            #expect(ran.contains { $0.hasPrefix("bad failed \(spool)/failed/bad ") })
            func outcome(_ stage: String, _ id: String) -> String {
                ((Self.hookRecord(spool, stage, id)["on_finish"] as? [String: Any])?["outcome"] as? String) ?? "none"
            }
            #expect(outcome("completed", "ok") == "exit 0")
            #expect(outcome("completed", "hang") == "timed out after 2 s; killed")
            #expect(outcome("completed", "crash") == "killed by signal 11")
            #expect(outcome("completed", "chatty") == "exit 0")
            #expect(outcome("failed", "bad") == "exit 7")
            #expect(first.output.contains("[Task ok] on-finish: done with ok"))
            #expect(first.output.contains("on-finish printed"), "the megabyte is not logged")
            #expect(first.output.count < 400_000)

            // Again: nothing is run twice.
            let second = try TestKit.run(["run", "--drain"], env: env)
            #expect(second.status == 0)
            #expect((TestKit.read(base + "/ran.log") ?? "").split(separator: "\n").count == 5)
        }

        @Test("a hook that is not executable is recorded as failed; the task still completes")
        func notExecutable() async throws {
            let base = try TestKit.makeTempDir("hooknx")
            defer { TestKit.remove(base) }
            let spool = base + "/spool"
            let hook = try Self.hookScript(base, "exit 0", mode: 0o644)
            let env = TestKit.environment(spool: spool, ["AVATAR_ON_FINISH": hook])
            try TestKit.run(["reindex"], env: env)
            try TestKit.drop(TaskFile.simple(id: "nx", count: 1, images: false), as: "nx.json", spool: spool)
            let run = try TestKit.run(["run", "--drain"], env: env)
            #expect(run.status == 0)
            #expect(TestKit.list(spool + "/completed") == ["nx"])
            let entry = Self.hookRecord(spool, "completed", "nx")["on_finish"] as? [String: Any]
            #expect(entry?["state"] as? String == "failed")
            #expect((entry?["outcome"] as? String)?.contains("cannot start") == true, "\(run.output)")
        }

        @Test("a crash between the last rename and the hooks: the next start runs them; one cut short is not run again")
        func catchUp() async throws {
            let base = try TestKit.makeTempDir("hookcatch")
            defer { TestKit.remove(base) }
            let spool = base + "/spool"
            let hook = try Self.hookScript(base, "echo \"$AVATAR_TASK_ID\" >> \(base)/ran.log")
            let with = TestKit.environment(spool: spool, ["AVATAR_ON_FINISH": hook])
            let without = TestKit.environment(spool: spool)
            try TestKit.run(["reindex"], env: with)
            try TestKit.drop(TaskFile.simple(id: "old", count: 1, images: false), as: "old.json", spool: spool)
            #expect(try TestKit.run(["run", "--drain"], env: without).status == 0)  // finished before hooks existed
            sleep(1)
            #expect(try TestKit.run(["run", "--drain"], env: with).status == 0)  // sets the watermark; old gets none
            sleep(1)
            try TestKit.drop(TaskFile.simple(id: "missed", count: 1, images: false), as: "missed.json", spool: spool)
            try TestKit.drop(TaskFile.simple(id: "cut", count: 1, images: false), as: "cut.json", spool: spool)
            #expect(try TestKit.run(["run", "--drain"], env: without).status == 0)  // as if it crashed before the hooks
            try Data(#"{"on_finish": {"state": "running", "started_at": "2026-01-01T00:00:00Z"}}"#.utf8)
                .write(to: URL(fileURLWithPath: spool + "/completed/cut/hooks.json"))
            let run = try TestKit.run(["run", "--drain"], env: with)
            #expect(run.status == 0)
            #expect((TestKit.read(base + "/ran.log") ?? "").split(separator: "\n") == ["missed"], "\(run.output)")
            #expect((Self.hookRecord(spool, "completed", "cut")["on_finish"] as? [String: Any])?["state"] as? String == "interrupted")
            #expect(run.output.contains("[Task cut] on-finish hook was cut short"))
        }

        @Test("a task cancelled from the command line gets its hooks; after `retry` it finishes again and gets them again")
        func cancelRetry() async throws {
            let base = try TestKit.makeTempDir("hookretry")
            defer { TestKit.remove(base) }
            let spool = base + "/spool"
            let hook = try Self.hookScript(base, "echo \"$AVATAR_TASK_ID $AVATAR_TASK_STATUS\" >> \(base)/ran.log")
            let env = TestKit.environment(spool: spool, ["AVATAR_ON_FINISH": hook])
            try TestKit.run(["reindex"], env: env)
            #expect(try TestKit.run(["run", "--drain"], env: env).status == 0)  // hooks configured from now on
            sleep(1)
            try TestKit.drop(TaskFile.simple(id: "again", count: 1, images: false), as: "again.json", spool: spool)
            #expect(try TestKit.run(["cancel", "again"], env: env).status == 0)
            #expect(try TestKit.run(["run", "--drain"], env: env).status == 0)
            #expect(try TestKit.run(["retry", "again"], env: env).status == 0)
            #expect(try TestKit.run(["run", "--drain"], env: env).status == 0)
            #expect((TestKit.read(base + "/ran.log") ?? "").split(separator: "\n") == ["again failed", "again completed"])
        }

        @Test("the webhook posts the event signed with HMAC-SHA256, retried like provider calls, to a receiver that checks it")
        func webhook() async throws {
            let base = try TestKit.makeTempDir("webhook")
            defer { TestKit.remove(base) }
            let spool = base + "/spool"
            let receiver = try await WebhookReceiver(secret: "hook-secret-123", log: base + "/deliveries.jsonl", failFirst: 1)
            defer { receiver.stop() }
            let env = TestKit.environment(spool: spool, [
                "AVATAR_WEBHOOK_URL": "http://127.0.0.1:\(receiver.port)/hook", "AVATAR_WEBHOOK_SECRET": "hook-secret-123",
                "AVATAR_RETRY_BASE_MS": "10", "AVATAR_RETRY_CAP_MS": "50",
            ])
            try TestKit.run(["reindex"], env: env)
            try TestKit.drop(TaskFile.simple(id: "hooked", count: 2, images: false), as: "hooked.json", spool: spool)
            let run = try TestKit.run(["run", "--drain"], env: env)
            #expect(run.status == 0, "\(run.output)")
            let lines = (TestKit.read(base + "/deliveries.jsonl") ?? "").split(separator: "\n")
            let deliveries = lines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            #expect(deliveries.count == 2, "\(lines)")  // a 500, then the retry
            #expect(deliveries.allSatisfy { $0["signature_ok"] as? Bool == true })
            let body = deliveries.last?["body"] as? [String: Any]
            #expect(body?["task_id"] as? String == "hooked")
            #expect(body?["status"] as? String == "completed")
            #expect(body?["succeeded"] as? Int == 2)
            #expect(deliveries.last?["delivery"] as? String == "hooked/completed")
            let entry = Self.hookRecord(spool, "completed", "hooked")["webhook"] as? [String: Any]
            #expect(entry?["outcome"] as? String == "HTTP 204")
            #expect(!run.output.contains("hook-secret-123"))
        }

        @Test("a task with a live processor and no checkpoint for AVATAR_STALL_SECONDS: status, --json, the metric and one log warning say so")
        func stalled() async throws {
            let base = try TestKit.makeTempDir("stall")
            defer { TestKit.remove(base) }
            let spool = base + "/spool"
            let env = TestKit.environment(spool: spool, ["AVATAR_STALL_SECONDS": "1", "IMAGE_CONCURRENCY": "1",
                                                    "AVATAR_BUILTIN_IMAGE_DELAY_MS": "40000",
                                                    "AVATAR_METRICS_FILE": base + "/m.prom", "NO_COLOR": "1"])
            try TestKit.run(["reindex"], env: env)
            try TestKit.drop(TaskFile.simple(id: "slow", count: 1), as: "slow.json", spool: spool)
            let processor = try SpoolProcess(env: env, logPath: base + "/run.log")
            defer { processor.kill() }
            #expect(await TestKit.waitUntil(timeout: 60) { processor.log.contains("Step 2/7") }, "\(processor.log)")
            sleep(2)
            let status = try TestKit.run(["status"], env: env)
            #expect(status.output.contains("slow  generating-images  [--------------------] 0/1 personas  most at step 2/7 (base image)"), "\(status.output)")
            #expect(status.output.contains("STALLED: no checkpoint for"))
            #expect(!status.output.contains("\u{1B}["), "no colour when piped")
            let json = try TestKit.run(["status", "--json"], env: env)
            #expect(json.output.contains("\"stalled\" : true"))
            // The census runs every 15 s: one warning, and the gauge.
            #expect(await TestKit.waitUntil(timeout: 60) { processor.log.contains("[Task slow] stalled") }, "\(processor.log)")
            #expect(await TestKit.waitUntil(timeout: 60) { TestKit.read(base + "/m.prom")?.contains("avatar_stalled_tasks 1") == true })
            #expect(TestKit.count("[Task slow] stalled", in: processor.log) == 1)
        }

        @Test("--log-format json: every line is one JSON object, secrets masked")
        func jsonLogs() async throws {
            let base = try TestKit.makeTempDir("jsonlog")
            defer { TestKit.remove(base) }
            let spool = base + "/spool"
            let env = TestKit.environment(spool: spool, ["AVATAR_LOG_FORMAT": "json", "OPENAI_API_KEY": "sk-test-not-to-be-seen-42"])
            try TestKit.run(["reindex"], env: env)
            try TestKit.drop(TaskFile.simple(id: "sk-test-not-to-be-seen-42", count: 1), as: "j.json", spool: spool)
            let run = try TestKit.run(["run", "--drain"], env: env)
            #expect(run.status == 0)
            let lines = run.output.split(separator: "\n")
            #expect(lines.count > 5)
            for line in lines {
                let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String]
                #expect(object?["time"] != nil && object?["level"] != nil && object?["message"] != nil, "not a JSON log line: \(line)")
            }
            #expect(lines.contains { $0.contains("\"step\":\"2\"") && $0.contains("\"task\":\"***\"") })
            #expect(!run.output.contains("sk-test-not-to-be-seen-42"))
        }

        @Test("a metrics file in a missing or unwritable folder is a start-up error naming the variable")
        func metricsFileFolder() throws {
            let base = try TestKit.makeTempDir("metricsbad")
            defer { TestKit.remove(base) }
            for path in [base + "/missing/avatar.prom", "/proc/avatar.prom"] {
                let env = TestKit.environment(spool: base + "/spool", ["AVATAR_METRICS_FILE": path])
                let run = try TestKit.run(["run", "--drain"], env: env)
                #expect(run.status != 0)
                #expect(run.output.contains("AVATAR_METRICS_FILE names \(path)"), "\(run.output)")
            }
        }

        @Test("metrics: written to AVATAR_METRICS_FILE at exit and served on AVATAR_METRICS_LISTEN at /metrics")
        func metrics() async throws {
            let base = try TestKit.makeTempDir("metrics")
            defer { TestKit.remove(base) }
            let spool = base + "/spool"
            let env = TestKit.environment(spool: spool, ["AVATAR_METRICS_FILE": base + "/avatar.prom",
                                                    "AVATAR_METRICS_LISTEN": "127.0.0.1:0"])
            try TestKit.run(["reindex"], env: env)
            try TestKit.drop(TaskFile.simple(id: "m1", count: 2), as: "m1.json", spool: spool)
            let processor = try SpoolProcess(env: env, logPath: base + "/run.log")
            #expect(await TestKit.waitUntil(timeout: 60) { TestKit.list(spool + "/completed") == ["m1"] }, "\(processor.log)")
            let line = processor.log.split(separator: "\n").first { $0.contains("metrics on http://127.0.0.1:") }
            let port = line.flatMap { $0.split(separator: ":").last }.flatMap { Int($0.prefix { $0.isNumber }) }
            #expect(port != nil, "\(processor.log)")
            if let port {
                let client = CurlHTTPClient(maxInFlight: 1)
                let ok = try await client.send(HTTPRequest(method: "GET", url: "http://127.0.0.1:\(port)/metrics"))
                #expect(ok.status == 200)
                #expect(ok.headers["content-type"]?.hasPrefix("text/plain; version=0.0.4") == true)
                #expect(ok.bodyText.contains("avatar_claim_duration_seconds_count 1"))
                let missing = try await client.send(HTTPRequest(method: "GET", url: "http://127.0.0.1:\(port)/"))
                #expect(missing.status == 404)
            }
            processor.send(SIGTERM)
            #expect(try await processor.waitForExit(timeout: 60) == 0)
            let text = TestKit.read(base + "/avatar.prom") ?? ""
            for needle in ["avatar_spool_tasks{folder=\"completed\"} 1", "avatar_tasks_finished_total{status=\"completed\"} 1",
                           "avatar_personas_finished_total{outcome=\"succeeded\"} 2",
                           // per persona: the base and four images, and a thumbnail of each
                           "avatar_objects_stored_total{store=\"local\"} 20",
                           "# HELP avatar_stalled_tasks ", "avatar_oldest_pending_age_seconds 0"] {
                #expect(text.contains(needle), "\(needle) missing in\n\(text)")
            }
            #expect(TestKit.list(base).allSatisfy { !$0.contains(".tmp-") })
        }
    }
}

/// Tests/fakes/webhook_receiver.py on 127.0.0.1, for one test.
struct WebhookReceiver: Sendable {
    let fake: PythonFake
    var port: Int { fake.port }

    init(secret: String, log: String, failFirst: Int) async throws {
        fake = try await PythonFake.start("webhook_receiver.py", [secret, log, String(failFirst)])
    }

    func stop() { fake.stop() }
}
