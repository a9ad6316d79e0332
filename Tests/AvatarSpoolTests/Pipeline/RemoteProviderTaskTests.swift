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

        /// gpt-image-1 reports usage: per image in result.json, and totals.
        func expectUsage(_ o: R.Outcome, sourceLocation: SourceLocation = #_sourceLocation) {
            for n in 1...o.count {
                let usage = o.personas[n]?["usage"] as? [String: Any]
                for image in ["base", "grid"] {
                    let tokens = usage?[image] as? [String: Any]
                    #expect(tokens?["input_tokens"] as? Int == 50, "persona \(n) \(image)", sourceLocation: sourceLocation)
                    #expect(tokens?["output_tokens"] as? Int == 4160, "persona \(n) \(image)", sourceLocation: sourceLocation)
                    #expect(tokens?["total_tokens"] as? Int == 4210, "persona \(n) \(image)", sourceLocation: sourceLocation)
                }
            }
            let total = o.result?["usage"] as? [String: Any]
            #expect(total?["input_tokens"] as? Int == 2 * 50 * o.count, sourceLocation: sourceLocation)
            #expect(total?["output_tokens"] as? Int == 2 * 4160 * o.count, sourceLocation: sourceLocation)
            #expect(total?["total_tokens"] as? Int == 2 * 4210 * o.count, sourceLocation: sourceLocation)
        }

        /// Builtin images report no usage: none per persona, zero in total.
        func expectNoUsage(_ o: R.Outcome, sourceLocation: SourceLocation = #_sourceLocation) {
            let total = o.result?["usage"] as? [String: Any]
            #expect(total?["total_tokens"] as? Int == 0, "\(total ?? [:])", sourceLocation: sourceLocation)
            for n in 1...o.count { #expect(o.personas[n]?["usage"] == nil, sourceLocation: sourceLocation) }
        }

        /// One generations and one edits request per persona, and the persona data from the remote.
        func expectImageRequests(_ fake: FakeServer, _ o: R.Outcome, sourceLocation: SourceLocation = #_sourceLocation) async throws {
            let seen = try await R.imageRequests(fake)
            #expect(seen.generations == o.count && seen.edits == o.count, "\(seen)", sourceLocation: sourceLocation)
        }

        /// The personas came from the fake (every one of its personas lives in Lisbon).
        func expectRemotePersonas(_ o: R.Outcome, sourceLocation: SourceLocation = #_sourceLocation) {
            for n in 1...o.count {
                #expect(o.spool.json("\(o.folder)/persona_\(n)/persona.json")?["city"] as? String == "Lisbon",
                        "persona \(n)", sourceLocation: sourceLocation)
            }
        }

        @Test("flowise data + builtin images")
        func flowise() async throws {
            let spool = try TempSpool("rp-flowise")
            defer { spool.remove() }
            try await R.withFake(pngSize: 64) { fake in
                let o = try await R.drain(spool, fake, id: "via-flowise", size: "256x256", data: "flowise", images: "builtin")
                expectComplete(o)
                expectNoUsage(o)
                // One persona and one image prompt per persona, each in its own session.
                #expect(try await fake.requests(R.flowise) == 2 * o.count)
                #expect(try await R.imageRequests(fake) == (0, 0))
                #expect(o.log.contains("Step 7/7"))
                expectRemotePersonas(o)
            }
        }

        @Test("openai chat data + builtin images")
        func openAIChat() async throws {
            let spool = try TempSpool("rp-chat")
            defer { spool.remove() }
            try await R.withFake(pngSize: 64) { fake in
                let o = try await R.drain(spool, fake, id: "via-chat", size: "256x256", data: "openai", images: "builtin")
                expectComplete(o)
                expectNoUsage(o)
                #expect(try await fake.requests(R.chat) == 2 * o.count)
                #expect(try await R.imageRequests(fake) == (0, 0))
                #expect(try await fake.last("chat")["model"] as? String == "test-chat")
                expectRemotePersonas(o)
            }
        }

        @Test("builtin data + openai images (gpt-image-1, 1024x1024): usage per image and totals")
        func openAIImages() async throws {
            let spool = try TempSpool("rp-images")
            defer { spool.remove() }
            try await R.withFake { fake in
                let o = try await R.drain(spool, fake, id: "via-images", data: "builtin", images: "openai")
                expectComplete(o)
                expectUsage(o)
                try await expectImageRequests(fake, o)
                #expect(try await fake.requests(R.chat) == 0)
                #expect(try await fake.last("generations")["size"] as? String == "1024x1024")
                #expect(try await fake.last("edits")["model"] as? String == "gpt-image-1")
            }
        }

        @Test("openai chat data + openai images")
        func openAIBoth() async throws {
            let spool = try TempSpool("rp-both")
            defer { spool.remove() }
            try await R.withFake { fake in
                let o = try await R.drain(spool, fake, id: "via-openai", data: "openai", images: "openai")
                expectComplete(o)
                expectUsage(o)
                try await expectImageRequests(fake, o)
                #expect(try await fake.requests(R.chat) == 2 * o.count)
                expectRemotePersonas(o)
            }
        }
    }
}
