import AvatarConfig
import AvatarPipeline
import AvatarProviders
import AvatarSpool
import AvatarSpoolEngine
import Foundation
import Logging
import Testing

extension `Remote pipeline` {
    /// Issue 5, "Faults", providers: one test per row, through the pipeline
    /// with the OpenAI image provider (data builtin), a task of two personas
    /// and the fault aimed at one request.
    @Suite("Provider faults", .serialized)
    struct Faults {
        typealias R = RemotePipeline

        /// A transient fault: retried, and every persona completes.
        func transient(_ action: [String: Any], id: String, sourceLocation: SourceLocation = #_sourceLocation) async throws -> R.Outcome {
            let spool = try TempSpool("rp-fault")
            defer { spool.remove() }
            return try await R.withFake { fake in
                try await fake.script([action])
                let o = try await R.drain(spool, fake, id: id, sourceLocation: sourceLocation)
                #expect(o.completePersonas == [1, 2], "\(o.context)", sourceLocation: sourceLocation)
                #expect(o.taskError == nil, "\(o.context)", sourceLocation: sourceLocation)
                #expect(o.result?["succeeded"] as? Int == 2, sourceLocation: sourceLocation)
                // The fake saw the retry: one request more on the faulty path.
                let seen = try await R.imageRequests(fake)
                let path = action["path"] as? String
                #expect(seen.generations == (path == R.generations ? 3 : 2), "\(seen)", sourceLocation: sourceLocation)
                #expect(seen.edits == (path == R.edits ? 3 : 2), "\(seen)", sourceLocation: sourceLocation)
                // A reset on a connection libcurl reused (the start-up GET /models opened
                // it) is retried by libcurl itself on a fresh one, before our retry loop sees it.
                if action["reset"] == nil {
                    #expect(o.log.contains("transient failure, retrying"), "\(o.context)", sourceLocation: sourceLocation)
                }
                return o
            }
        }

        /// A permanent fault: the persona it hit fails at once (no retry) with
        /// the message in its error.json and the task's; the other completes;
        /// the task ends in completed/ with the failure listed.
        func permanent(_ action: [String: Any], id: String, message: String, code: String, status: Int? = nil,
                       sourceLocation: SourceLocation = #_sourceLocation) async throws {
            let spool = try TempSpool("rp-fault")
            defer { spool.remove() }
            try await R.withFake { fake in
                try await fake.script([action])
                let o = try await R.drain(spool, fake, id: id, sourceLocation: sourceLocation)
                let failed = (1...2).filter { o.personaError($0) != nil }
                #expect(failed.count == 1, "\(o.context)", sourceLocation: sourceLocation)
                guard let bad = failed.first else { return }
                let good = 3 - bad
                #expect(o.completePersonas == [good], "\(o.context)", sourceLocation: sourceLocation)

                let error = o.personaError(bad)
                let step = action["path"] as? String == R.edits ? "step 4/7: variation grid" : "step 2/7: base image"
                #expect((error?["message"] as? String)?.contains(message) == true, "\(error ?? [:])", sourceLocation: sourceLocation)
                #expect(error?["code"] as? String == code, "\(error ?? [:])", sourceLocation: sourceLocation)
                #expect(error?["provider"] as? String == "openai-images", sourceLocation: sourceLocation)
                #expect(error?["step"] as? String == step, sourceLocation: sourceLocation)
                #expect(error?["status"] as? Int == status, sourceLocation: sourceLocation)

                let report = o.taskError
                #expect(report?["message"] as? String == "1 of 2 personas failed", "\(report ?? [:])", sourceLocation: sourceLocation)
                let listed = report?["failures"] as? [[String: Any]] ?? []
                #expect(listed.count == 1 && listed.first?["persona"] as? Int == bad, "\(listed)", sourceLocation: sourceLocation)
                #expect(listed.first?["message"] as? String == error?["message"] as? String, sourceLocation: sourceLocation)
                #expect(o.result?["succeeded"] as? Int == 1 && o.result?["failed"] as? Int == 1, sourceLocation: sourceLocation)
                #expect(o.personas[bad]?["status"] as? String == "failed", sourceLocation: sourceLocation)

                // At once: one request on the faulty path for the failed persona, no retry.
                let seen = try await R.imageRequests(fake)
                #expect(seen.generations == 2, "\(seen)", sourceLocation: sourceLocation)
                #expect(seen.edits == (step.hasPrefix("step 4") ? 2 : 1), "\(seen)", sourceLocation: sourceLocation)
                #expect(!o.log.contains("retrying"), "\(o.context)", sourceLocation: sourceLocation)
            }
        }

        /// The `delay_ms` of every "retrying" line of a log.
        func retryDelays(_ log: String) -> [Int] {
            log.split(separator: "\n").filter { $0.contains("retrying") }.compactMap { line in
                guard let r = line.range(of: "delay_ms=") else { return nil }
                return Int(line[r.upperBound...].prefix { $0.isNumber })
            }
        }

        // MARK: transient rows

        @Test("429 with Retry-After: 1 is retried after at least a second")
        func tooManyWithRetryAfter() async throws {
            let o = try await transient(["status": 429, "headers": ["Retry-After": "1"], "path": R.generations], id: "f-429-ra")
            #expect(o.seconds >= 1, "ran \(o.seconds) s")
            #expect(retryDelays(o.log) == [1000], "\(o.context)")
        }

        @Test("429 without Retry-After is retried with backoff")
        func tooManyWithout() async throws {
            let o = try await transient(["status": 429, "path": R.generations], id: "f-429")
            // The backoff (AVATAR_RETRY_CAP_MS=50), not a server-given delay.
            let delays = retryDelays(o.log)
            #expect(delays.count == 1 && delays.allSatisfy { $0 <= 50 }, "\(o.context)")
        }

        @Test("500 is retried")
        func internalError() async throws {
            _ = try await transient(["status": 500, "path": R.generations], id: "f-500")
        }

        @Test("502 is retried")
        func badGateway() async throws {
            _ = try await transient(["status": 502, "body": "<html>502 Bad Gateway</html>", "path": R.edits], id: "f-502")
        }

        @Test("503 is retried")
        func unavailable() async throws {
            _ = try await transient(["status": 503, "path": R.edits], id: "f-503")
        }

        @Test("a connection reset is retried")
        func reset() async throws {
            _ = try await transient(["reset": true, "path": R.generations], id: "f-reset")
        }

        @Test("a truncated body (Content-Length larger than what is sent) is retried")
        func truncated() async throws {
            _ = try await transient(["truncated": true, "path": R.edits], id: "f-truncated")
        }

        /// OPENAI_IMAGE_TIMEOUT_SECONDS cannot be set below 180 s (image
        /// models take up to two minutes), so this row runs the pipeline in
        /// process: the services the binary builds from the same environment,
        /// the same claim and TaskRunner, with the image provider's time-out
        /// set to 1 s.
        @Test("a hang past the time-out is retried (in process: the time-out's minimum is 180 s)")
        func hang() async throws {
            let spool = try TempSpool("rp-hang")
            defer { spool.remove() }
            try await R.withFake { fake in
                var env = R.environment(fake, data: "builtin", images: "openai")
                env["AVATAR_SPOOL_DIR"] = spool.root
                let services = try Services.make(Settings(env), logger: Logger(label: "remote-pipeline-hang") { _ in SwiftLogNoOpLogHandler() })
                try services.layout.create()
                var settings = try OpenAISettings(environment: env, for: .images)
                settings.imageTimeout = 1
                var context = services.context
                context.images = ProviderTest.clients.openAIImageProvider(settings)

                try await fake.script([["hang": 40, "path": R.generations]])
                let id = "f-hang"
                try spool.dropByRename(TaskFile.json(id: id, count: 2, size: "1024x1024"), as: id + ".json")
                guard case .claimed(let folder, let spec) = try services.claimer.claim(id + ".json") else {
                    Issue.record("the task was not claimed: \(spool.overview())")
                    return
                }
                let started = ContinuousClock.now
                let stage = try await TaskRunner(context: context).run(folder, spec: spec)
                let elapsed = ContinuousClock.now - started
                #expect(stage == .completed)
                #expect(elapsed >= .seconds(1) && elapsed < .seconds(20), "took \(elapsed)") // the hang lasts 40 s
                let o = R.Outcome(spool: spool, id: id, count: 2, status: 0, log: "", seconds: 0)
                #expect(o.completePersonas == [1, 2], "\(o.context)")
                #expect(o.taskError == nil)
                let seen = try await R.imageRequests(fake)
                #expect(seen.generations == 3 && seen.edits == 2, "\(seen)")
            }
        }

        // MARK: permanent rows

        @Test("a content-policy 400 (moderation_blocked) fails that persona at once with the provider's message")
        func moderation() async throws {
            try await permanent(["moderation": true, "path": R.generations], id: "f-moderation",
                                message: "Your request was rejected by the safety system", code: "moderation_blocked",
                                status: 400)
        }

        @Test("a provider error that echoes the key is stored with the key masked")
        func echoedKey() async throws {
            let body: [String: Any] = ["error": ["message": "Invalid request for key \(R.apiKey)", "type": "invalid_request_error",
                                                 "code": "invalid_request"]]
            // R.drain also checks that no file of the spool and no log line holds the key.
            try await permanent(["status": 400, "body": body, "path": R.generations], id: "f-echo",
                                message: "Invalid request for key ***", code: "invalid_request", status: 400)
        }

        @Test("invalid JSON in a 200 answer fails that persona at once")
        func invalidJSON() async throws {
            try await permanent(["invalid_json": true, "path": R.edits], id: "f-json",
                                message: "the answer is not a JSON object", code: "bad_response")
        }

        @Test("invalid base64 fails that persona at once")
        func invalidBase64() async throws {
            try await permanent(["b64": "!!!", "path": R.generations], id: "f-base64",
                                message: "data[0].b64_json is not valid base64", code: "bad_image")
        }

        @Test("bytes that are not a PNG fail that persona at once")
        func notPNG() async throws {
            try await permanent(["not_png": true, "path": R.edits], id: "f-not-png",
                                message: "the image is not a PNG", code: "bad_image")
        }
    }
}
