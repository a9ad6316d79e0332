import AvatarDomain
import AvatarHTTP
import AvatarProviders
import AvatarTask
import Foundation
import Testing

@Suite("OpenAIImageProvider against the fake OpenAI")
struct OpenAIImageProviderTests {
    let task = ProviderTest.task
    let persona = ProviderTest.persona
    let generations = "/v1/images/generations"
    let edits = "/v1/images/edits"

    @Test("gpt-image-2.6-flare: base via generations (no response_format), grid via a multipart edit with no input_fidelity; PNGs and token usage with details")
    func gptImage2() async throws {
        try await FakeServer.with(["--png-size", "32"]) { (fake) async throws in
            let provider = ProviderTest.images(fake)
            let base = try await provider.baseImage(prompt: "a selfie", persona: persona, task: task, index: 1)
            #expect(ProviderTest.isPNG(base.png))
            #expect(base.usage.map { var u = $0; u.at = nil; return u } == ImageUsage(inputTokens: 60, outputTokens: 1056, totalTokens: 1116, inputTextTokens: 60,
                                             inputImageTokens: 0, outputImageTokens: 1056, outputTextTokens: 0,
                                             model: "gpt-image-2.6-flare", costUSD: 0.03198))
            let sent = try await fake.last("generations")
            #expect(sent["model"] as? String == "gpt-image-2.6-flare")
            #expect(sent["size"] as? String == "1024x1024")
            #expect(sent["response_format"] == nil)
            #expect(sent["quality"] == nil && sent["complexity"] == nil)

            let grid = try await provider.gridImage(base: base.png, prompt: "a 2x2 grid", persona: persona, task: task, index: 1)
            #expect(ProviderTest.isPNG(grid.png))
            #expect(grid.usage?.inputImageTokens == 1290)
            // 60 text in x 5 + 1290 image in x 8 + 1056 image out x 30, per million.
            #expect(grid.usage?.costUSD == 0.0423)
            let parts = try await fake.last("edits")
            #expect(parts["model"] as? String == "gpt-image-2.6-flare")
            #expect(parts["input_fidelity"] == nil)
        }
    }

    @Test("gpt-image-1 on a compatible server that still serves it: input_fidelity high on the edit; its usage")
    func gptImage() async throws {
        try await FakeServer.with(["--png-size", "32", "--serve-retired"]) { (fake) async throws in
            let provider = ProviderTest.images(fake, model: "gpt-image-1")
            let base = try await provider.baseImage(prompt: "a selfie", persona: persona, task: task, index: 1)
            #expect(ProviderTest.isPNG(base.png))
            #expect(base.usage.map { var u = $0; u.at = nil; return u } == ImageUsage(inputTokens: 50, outputTokens: 4160, totalTokens: 4210, inputTextTokens: 50,
                                             inputImageTokens: 0, model: "gpt-image-1", costUSD: 0.16665))
            let sent = try await fake.last("generations")
            #expect(sent["model"] as? String == "gpt-image-1")
            #expect(sent["n"] as? Int == 1)
            #expect(sent["size"] as? String == "1024x1024")
            #expect(sent["response_format"] == nil)

            let grid = try await provider.gridImage(base: base.png, prompt: "a 2x2 grid", persona: persona, task: task, index: 1)
            #expect(ProviderTest.isPNG(grid.png))
            #expect(grid.usage?.totalTokens == 4210)
            let parts = try await fake.last("edits")
            #expect(parts["prompt"] as? String == "a 2x2 grid")
            #expect(parts["input_fidelity"] as? String == "high")
            #expect(parts["model"] as? String == "gpt-image-1")
            let image = parts["image"] as? [String: Any]
            #expect(image?["filename"] as? String == "base.png")
            #expect(image?["type"] as? String == "image/png")
            #expect(image?["length"] as? Int == base.png.count)
        }
    }

    @Test("dall-e-2 (compatible server) asks for b64_json and sends no input_fidelity; no usage")
    func dallE() async throws {
        try await FakeServer.with(["--serve-retired"]) { (fake) async throws in
            let provider = ProviderTest.images(fake, model: "dall-e-2")
            var small = task
            small.images.size = ImageSize(width: 512, height: 512)
            let base = try await provider.baseImage(prompt: "p", persona: persona, task: small, index: 1)
            // No usage reported: priced per image from the table (512x512: 0.018 USD).
            #expect(base.usage.map { var u = $0; u.at = nil; return u } == ImageUsage(inputTokens: 0, outputTokens: 0, totalTokens: 0, model: "dall-e-2", costUSD: 0.018))
            #expect(try await fake.last("generations")["response_format"] as? String == "b64_json")
            _ = try await provider.gridImage(base: ProviderTest.tinyPNG, prompt: "g", persona: persona, task: small, index: 1)
            let parts = try await fake.last("edits")
            #expect(parts["input_fidelity"] == nil)
            #expect(parts["response_format"] as? String == "b64_json")
        }
    }

    @Test("the size rule follows the model family: three sizes for retired families, constraints for gpt-image-2 and later, any for unknown names")
    func sizes() {
        func rule(_ model: String) -> ImageSizeRule { ImageModelFamily.of(model)?.sizeRule ?? .anyInRange }
        func s(_ w: Int, _ h: Int) -> ImageSize { ImageSize(width: w, height: h) }
        #expect(rule("gpt-image-1") == .oneOf([s(1024, 1024), s(1536, 1024), s(1024, 1536)], allowsAuto: true))
        #expect(rule("dall-e-3") == .oneOf([s(1024, 1024), s(1792, 1024), s(1024, 1792)], allowsAuto: false))
        #expect(rule("dall-e-2") == .oneOf([s(256, 256), s(512, 512), s(1024, 1024)], allowsAuto: false))
        #expect(rule("gpt-image-2.6-flare") == .constrained(ImageModelFamily.currentSizes))
        #expect(rule("my-local-model") == .anyInRange)
    }

    @Test("429 Retry-After: 1 waits at least a second; 500, reset and hang past the time-out are retried")
    func transient() async throws {
        try await FakeServer.with { (fake) async throws in
            try await fake.script([["status": 429, "headers": ["Retry-After": "1"], "path": generations]])
            let start = ContinuousClock.now
            _ = try await ProviderTest.images(fake).baseImage(prompt: "p", persona: persona, task: task, index: 1)
            #expect(ContinuousClock.now - start >= .seconds(1))
            #expect(try await fake.requests(generations) == 2)

            try await fake.script([["status": 500], ["reset": true], ["hang": 40]])
            let again = ContinuousClock.now
            _ = try await ProviderTest.images(fake, timeout: 0.5)
                .gridImage(base: ProviderTest.tinyPNG, prompt: "g", persona: persona, task: task, index: 1)
            #expect(ContinuousClock.now - again < .seconds(20)) // a hang guard: expected about 1 s; a broken time-out takes 40 s
            #expect(try await fake.requests(edits) == 4)
        }
    }

    @Test("invalid base64 and bytes that are not a PNG fail at once as .badImage")
    func badImages() async throws {
        try await FakeServer.with { (fake) async throws in
            let provider = ProviderTest.images(fake)
            try await fake.script([["b64": "!!!"]])
            let invalid = await providerError { _ = try await provider.baseImage(prompt: "p", persona: persona, task: task, index: 1) }
            #expect(invalid?.code == .badImage)
            #expect(invalid?.message.contains("base64") == true)
            try await fake.script([["not_png": true]])
            let notPNG = await providerError { _ = try await provider.baseImage(prompt: "p", persona: persona, task: task, index: 1) }
            #expect(notPNG?.code == .badImage)
            #expect(notPNG?.message.contains("not a PNG") == true)
            #expect(try await fake.requests(generations) == 1)
        }
    }

    @Test("moderation_blocked is .refused with OpenAI's message, never retried")
    func moderation() async throws {
        try await FakeServer.with { (fake) async throws in
            try await fake.script([["moderation": true]])
            let error = await providerError {
                _ = try await ProviderTest.images(fake).gridImage(base: ProviderTest.tinyPNG, prompt: "g", persona: persona, task: task, index: 1)
            }
            #expect(error?.code == .refused)
            #expect(error?.remoteCode == "moderation_blocked")
            #expect(error?.status == 400)
            #expect(error?.message.contains("rejected by the safety system") == true)
            #expect(try await fake.requests(edits) == 1)
        }
    }

    @Test("a size the model cannot make is rejected by the fake as the API would (400, permanent)")
    func badSize() async throws {
        try await FakeServer.with { (fake) async throws in
            var wide = task
            wide.images.size = ImageSize(width: 1000, height: 1000)
            let error = await providerError { _ = try await ProviderTest.images(fake).baseImage(prompt: "p", persona: persona, task: wide, index: 1) }
            #expect(error?.status == 400)
            #expect(try await fake.requests(generations) == 1)
        }
    }

    @Test("missing image settings are clear startup errors")
    func missingSettings() {
        func message(_ env: [String: String]) -> String {
            do { _ = try OpenAISettings(environment: env, for: .images); return "ok" } catch { return "\(error)" }
        }
        #expect(message([:]).contains("AVATAR_IMAGE_PROVIDER=openai needs OPENAI_API_KEY"))
        #expect(message(["OPENAI_API_KEY": "k", "OPENAI_IMAGE_MODEL": "gpt-4o"]).contains("OPENAI_IMAGE_MODEL=gpt-4o"))
        #expect(message(["OPENAI_API_KEY": "k", "OPENAI_EDIT_MODEL": "flux"]).contains("OPENAI_EDIT_MODEL=flux"))
        #expect(message(["OPENAI_API_KEY": "k", "OPENAI_IMAGE_TIMEOUT_SECONDS": "60"]).contains("OPENAI_IMAGE_TIMEOUT_SECONDS=60"))
        #expect(message(["OPENAI_API_KEY": "k", "IMAGE_CONCURRENCY": "8"]) == "ok")
    }

    @Test("persona image jobs: at most IMAGE_CONCURRENCY image requests in flight, and the limit is reached")
    func concurrency() async throws {
        try await FakeServer.with(["--delay-ms", "100", "--png-size", "16"]) { (fake) async throws in
            let limit = 3
            let provider = ProviderTest.images(fake, imageConcurrency: limit)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for n in 1...8 {
                    group.addTask {
                        let base = try await provider.baseImage(prompt: "p\(n)", persona: persona, task: task, index: n)
                        _ = try await provider.gridImage(base: base.png, prompt: "g\(n)", persona: persona, task: task, index: n)
                    }
                }
                try await group.waitForAll()
            }
            let stats = try await fake.stats()
            #expect(stats["max_inflight_images"] as? Int == limit)
            #expect(try await fake.requests(generations) == 8)
            #expect(try await fake.requests(edits) == 8)
        }
    }
}

@Suite("OpenAIImageProvider when the remote never recovers")
struct OpenAIImageGiveUpTests {
    @Test("every attempt timing out ends in a .timeout ProviderError after maxAttempts")
    func allTimeouts() async throws {
        try await FakeServer.with { (fake) async throws in
            try await fake.script(Array(repeating: ["hang": 40], count: 4))
            let start = ContinuousClock.now
            let error = await providerError {
                _ = try await ProviderTest.images(fake, timeout: 0.3)
                    .baseImage(prompt: "p", persona: ProviderTest.persona, task: ProviderTest.task, index: 1)
            }
            #expect(error?.code == .timeout)
            #expect(try await fake.requests("/v1/images/generations") == 4)
            #expect(ContinuousClock.now - start < .seconds(20)) // a hang guard: expected about 1 s; a broken time-out takes 40 s
        }
    }

    @Test("a persistent 503 ends in an .http ProviderError with the status after maxAttempts")
    func persistent503() async throws {
        try await FakeServer.with { (fake) async throws in
            try await fake.script(Array(repeating: ["status": 503], count: 4))
            let error = await providerError {
                _ = try await ProviderTest.images(fake)
                    .baseImage(prompt: "p", persona: ProviderTest.persona, task: ProviderTest.task, index: 1)
            }
            #expect(error?.status == 503)
            #expect(error?.message == "fake status 503")
            #expect(try await fake.requests("/v1/images/generations") == 4)
        }
    }
}

@Suite("Provider cancellation")
struct ProviderCancellationTests {
    @Test("cancelling a persona's image job aborts the request and throws CancellationError")
    func cancel() async throws {
        try await FakeServer.with { (fake) async throws in
            try await fake.script([["hang": 40]])
            let provider = ProviderTest.images(fake)
            let start = ContinuousClock.now
            let job = Task {
                try await provider.baseImage(prompt: "p", persona: ProviderTest.persona, task: ProviderTest.task, index: 1)
            }
            try await Task.sleep(for: .milliseconds(300))
            job.cancel()
            await #expect(throws: CancellationError.self) { _ = try await job.value }
            #expect(ContinuousClock.now - start < .seconds(20)) // a hang guard: expected about 1 s; a broken time-out takes 40 s
            #expect(try await fake.requests("/v1/images/generations") == 1)
        }
    }
}
