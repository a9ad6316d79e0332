import AvatarIndex
import Foundation
import Testing

extension `Remote pipeline` {
    /// A full task through each remote provider, via the built binary and the fake.
    @Suite("Full tasks through each remote provider", .serialized)
    struct FullTasks {
        typealias R = RemotePipeline

        /// Every persona complete, result.json and no error.json.
        func expectComplete(_ o: R.Outcome, sourceLocation: SourceLocation = #_sourceLocation) {
            #expect(o.completePersonas == Array(1...o.count), "\(o.context)", sourceLocation: sourceLocation)
            #expect(o.taskError == nil, "\(o.context)", sourceLocation: sourceLocation)
            #expect(o.result?["succeeded"] as? Int == o.count, sourceLocation: sourceLocation)
            #expect(o.result?["failed"] as? Int == 0, sourceLocation: sourceLocation)
        }

        /// gpt-image-2.6 reports usage in tokens with details (the edit's base
        /// image is image input): per image in result.json, and totals.
        func expectUsage(_ o: R.Outcome, sourceLocation: SourceLocation = #_sourceLocation) {
            // (input, text input, image input, output, model) of the fake's answers at 1024x1024, default quality.
            let expected = ["base": (60, 60, 0, 1056, "gpt-image-2.6-flare"), "grid": (1350, 60, 1290, 1056, "gpt-image-2.6-sunburst")]
            for n in 1...o.count {
                let usage = o.personas[n]?["usage"] as? [String: Any]
                for (image, e) in expected {
                    let tokens = usage?[image] as? [String: Any]
                    #expect(tokens?["input_tokens"] as? Int == e.0, "persona \(n) \(image)", sourceLocation: sourceLocation)
                    #expect(tokens?["input_text_tokens"] as? Int == e.1, "persona \(n) \(image)", sourceLocation: sourceLocation)
                    #expect(tokens?["input_image_tokens"] as? Int == e.2, "persona \(n) \(image)", sourceLocation: sourceLocation)
                    #expect(tokens?["output_tokens"] as? Int == e.3, "persona \(n) \(image)", sourceLocation: sourceLocation)
                    #expect(tokens?["model"] as? String == e.4, "persona \(n) \(image)", sourceLocation: sourceLocation)
                }
            }
            let total = o.result?["usage"] as? [String: Any]
            #expect(total?["input_tokens"] as? Int == (60 + 1350) * o.count, sourceLocation: sourceLocation)
            #expect(total?["input_image_tokens"] as? Int == 1290 * o.count, sourceLocation: sourceLocation)
            #expect(total?["output_tokens"] as? Int == 2 * 1056 * o.count, sourceLocation: sourceLocation)
            #expect(total?["total_tokens"] as? Int == (60 + 1350 + 2 * 1056) * o.count, sourceLocation: sourceLocation)
            // Base 0.03198 + grid 0.0423 USD per persona, from the price table.
            let cost = total?["cost_usd"] as? Double ?? -1
            #expect(abs(cost - 0.07428 * Double(o.count)) < 1e-9, "cost \(cost)", sourceLocation: sourceLocation)
            #expect(abs((o.result?["cost_usd"] as? Double ?? -1) - 0.07428 * Double(o.count)) < 1e-9, sourceLocation: sourceLocation)
            for n in 1...o.count {
                #expect(o.personas[n]?["cost_usd"] as? Double == 0.07428, "persona \(n)", sourceLocation: sourceLocation)
            }
        }

        /// Builtin images report no usage: none per persona, zero in total.
        func expectNoUsage(_ o: R.Outcome, sourceLocation: SourceLocation = #_sourceLocation) {
            let total = o.result?["usage"] as? [String: Any]
            #expect(total?["total_tokens"] as? Int == 0, "\(total ?? [:])", sourceLocation: sourceLocation)
            for n in 1...o.count { #expect(o.personas[n]?["usage"] == nil, sourceLocation: sourceLocation) }
        }

        /// The personas came from the fake (every one of its personas lives in Lisbon).
        func expectRemotePersonas(_ o: R.Outcome, sourceLocation: SourceLocation = #_sourceLocation) {
            for n in 1...o.count {
                #expect(o.spool.json("\(o.folder)/persona_\(n)/persona.json")?["city"] as? String == "Lisbon",
                        "persona \(n)", sourceLocation: sourceLocation)
            }
        }

        /// A task of two personas with these providers: every file present,
        /// the personas from the remote data provider (two requests per
        /// persona: data and image prompt), one generations and one edits
        /// request per persona with OpenAI images, usage where reported.
        func fullTask(id: String, data: String, images: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
            let spool = try TempSpool("rp-" + id)
            defer { spool.remove() }
            let remoteImages = images == "openai"
            // Builtin images render any size; the OpenAI ones need 1024x1024 and PNGs of that size.
            try await R.withFake(pngSize: remoteImages ? 1024 : 64) { fake in
                let o = try await R.drain(spool, fake, id: id, size: remoteImages ? "1024x1024" : "256x256",
                                          data: data, images: images, sourceLocation: sourceLocation)
                expectComplete(o, sourceLocation: sourceLocation)
                #expect(StepLog.count(step: 7, in: [o.log]).count == o.count, sourceLocation: sourceLocation)
                let dataPath = ["flowise": R.flowise, "openai": R.chat][data]
                for path in [R.flowise, R.chat] {
                    #expect(try await fake.requests(path) == (path == dataPath ? 2 * o.count : 0), "\(path)",
                            sourceLocation: sourceLocation)
                }
                if dataPath != nil { expectRemotePersonas(o, sourceLocation: sourceLocation) }
                let seen = try await R.imageRequests(fake)
                let perPersona = remoteImages ? o.count : 0
                #expect(seen.generations == perPersona && seen.edits == perPersona, "\(seen)", sourceLocation: sourceLocation)
                if remoteImages {
                    expectUsage(o, sourceLocation: sourceLocation)
                    // The index has the cost too (new nullable columns), per task and per persona.
                    let rows = try await SpoolIndex(path: spool.indexPath).query("""
                        SELECT t.cost_usd AS task_cost, r.cost_usd AS persona_cost FROM generation_results r
                        JOIN generation_tasks t ON r.task_id = t.id ORDER BY r.persona_index
                        """)
                    #expect(rows.map { $0["persona_cost"] } == Array(repeating: "0.07428", count: o.count), "\(rows)",
                            sourceLocation: sourceLocation)
                    #expect(rows.first.flatMap { $0["task_cost"] }.flatMap(Double.init).map { abs($0 - 0.07428 * Double(o.count)) < 1e-9 } == true,
                            "\(rows)", sourceLocation: sourceLocation)
                    #expect(try await fake.last("generations")["size"] as? String == "1024x1024", sourceLocation: sourceLocation)
                    #expect(try await fake.last("generations")["model"] as? String == "gpt-image-2.6-flare", sourceLocation: sourceLocation)
                    #expect(try await fake.last("edits")["model"] as? String == "gpt-image-2.6-sunburst", sourceLocation: sourceLocation)
                } else {
                    expectNoUsage(o, sourceLocation: sourceLocation)
                }
                if data == "openai" {
                    #expect(try await fake.last("chat")["model"] as? String == "test-chat", sourceLocation: sourceLocation)
                }
            }
        }

        /// AVATAR_DATA_PROVIDER and AVATAR_IMAGE_PROVIDER of one case.
        struct Providers: Sendable, CustomTestStringConvertible {
            let data: String
            let images: String
            var testDescription: String { "\(data) data + \(images) images" }
        }

        @Test("a full task: flowise data, openai chat data, openai images (gpt-image-2.6-flare base, -sunburst grid, 1024x1024), openai both",
              arguments: [Providers(data: "flowise", images: "builtin"), Providers(data: "openai", images: "builtin"),
                          Providers(data: "builtin", images: "openai"), Providers(data: "openai", images: "openai")])
        func fullTask(_ providers: Providers) async throws {
            try await fullTask(id: "via-\(providers.data)-\(providers.images)", data: providers.data, images: providers.images)
        }
    }
}
