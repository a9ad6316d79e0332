import Foundation
import Testing

extension `Remote pipeline` {
    /// Issue 15: a model that is gone or going away is reported before it
    /// bites, and a model_not_found during a run pauses instead of failing
    /// every persona.
    @Suite("Model lifecycle through the processor", .serialized)
    struct ModelLifecycle {
        typealias R = RemotePipeline

        static func isoDay(_ daysFromNow: Int) -> String {
            let f = DateFormatter()
            f.locale = Locale(identifier: "en_US_POSIX")
            f.timeZone = TimeZone(identifier: "UTC")
            f.dateFormat = "yyyy-MM-dd"
            return f.string(from: Date().addingTimeInterval(Double(daysFromNow) * 86_400))
        }

        @Test("a retired image model (gpt-image-1, not listed) is a start-up error naming the variable and the replacement; no task touched")
        func retiredAtStart() async throws {
            let spool = try TempSpool("rp-retired")
            defer { spool.remove() }
            try await R.withFake { fake in
                try spool.dropByRename(TaskFile.json(id: "untouched", count: 1, size: "1024x1024"), as: "untouched.json")
                var env = R.environment(fake, data: "builtin", images: "openai")
                env["OPENAI_IMAGE_MODEL"] = "gpt-image-1"
                let run = try await spool.runToEnd(["run", "--drain"], env: env, timeout: 30)
                let output = run.err + run.out
                #expect(run.status != 0, "exit \(run.status)")
                #expect(output.contains("OPENAI_IMAGE_MODEL=gpt-image-1 is not listed"), "\(output)")
                #expect(output.contains("use gpt-image-2.6-flare"), "\(output)")
                #expect(spool.list("pending") == ["untouched.json"], "\(spool.overview())")
                #expect(try await R.imageRequests(fake) == (0, 0))
            }
        }

        @Test("a shutdown date within 30 days is a warning at start-up naming the date; the task still completes")
        func shutdownSoon() async throws {
            let spool = try TempSpool("rp-soon")
            defer { spool.remove() }
            let date = Self.isoDay(10)
            try await R.withFake(pngSize: 1024, ["--model-shutdown", "gpt-image-2.6-sunburst=\(date)"]) { fake in
                let o = try await R.drain(spool, fake, id: "soon", count: 1)
                #expect(o.log.contains("OPENAI_EDIT_MODEL=gpt-image-2.6-sunburst shuts down on \(date)"), "\(o.context)")
                #expect(o.completePersonas == [1], "\(o.context)")
            }
        }

        @Test("model_not_found mid-run pauses the provider: one error line, no persona failed, the task waits; a restart completes it")
        func pausedMidRun() async throws {
            let spool = try TempSpool("rp-paused")
            defer { spool.remove() }
            try await R.withFake { fake in
                let gone: [String: Any] = ["status": 404, "path": R.generations, "body": ["error": [
                    "message": "The model `gpt-image-2.6-flare` does not exist or you do not have access to it.",
                    "type": "invalid_request_error", "param": NSNull(), "code": "model_not_found"]]]
                try await fake.script([gone])
                try spool.dropByRename(TaskFile.json(id: "waits", count: 3, size: "1024x1024"), as: "waits.json")
                let env = R.environment(fake, data: "builtin", images: "openai")
                let first = try await spool.runToEnd(["run", "--drain"], env: env, timeout: 60)
                let log = first.err + first.out
                #expect(first.status != 0, "\(log)")
                #expect(log.components(separatedBy: "is not served").count - 1 == 1, "\(log)")
                #expect(log.contains("OPENAI_IMAGE_MODEL=gpt-image-2.6-flare"), "\(log)")
                let stage = spool.stage(of: "waits")
                #expect(stage == "generating-images", "\(spool.overview())")
                for n in 1...3 { #expect(!spool.exists("\(stage ?? "")/waits/persona_\(n)/error.json"), "persona \(n)") }
                // The model is served again (the script is used up): a restart finishes the task.
                let second = try await spool.runToEnd(["run", "--drain"], env: env, timeout: 60)
                #expect(second.status == 0, "\(second.err)")
                #expect(spool.stage(of: "waits") == "completed", "\(spool.overview())")
                #expect(spool.json("completed/waits/result.json")?["succeeded"] as? Int == 3)
            }
        }
    }
}
