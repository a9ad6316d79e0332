import AvatarDomain
import AvatarProviders
import AvatarTask
import Foundation
import Testing

@Suite("Image model families and settings (OpenAI, 2026-11-30)")
struct ImageModelFamilyTests {
    @Test("families are judged by the name's shape: 2.5 adds xhigh and max, 2.6 adds complexity, later versions keep both")
    func families() throws {
        let flare = try #require(ImageModelFamily.of("gpt-image-2.6-flare"))
        #expect(flare.qualities == ["low", "medium", "high", "xhigh", "max", "auto"])
        #expect(flare.complexities == ["low", "medium", "high"])
        #expect(!flare.retired && !flare.sendsResponseFormat && !flare.takesInputFidelity)
        #expect(ImageModelFamily.of("gpt-image-2.6-sunburst") == flare)
        let two = try #require(ImageModelFamily.of("gpt-image-2"))
        #expect(two.qualities == ["low", "medium", "high", "auto"] && two.complexities.isEmpty)
        #expect(ImageModelFamily.of("gpt-image-2.5-flare")?.complexities.isEmpty == true)
        #expect(ImageModelFamily.of("gpt-image-2.5-sunburst")?.qualities.contains("max") == true)
        // A release we have not seen yet reads as the newest family we know.
        #expect(ImageModelFamily.of("gpt-image-3-nova")?.complexities == ["low", "medium", "high"])
        #expect(ImageModelFamily.of("openai/gpt-image-2.6-flare")?.complexities.isEmpty == false)
        for retired in ["gpt-image-1", "gpt-image-1.5", "gpt-image-1-mini", "chatgpt-image-latest", "dall-e-2", "dall-e-3"] {
            #expect(ImageModelFamily.of(retired)?.retired == true, "\(retired)")
        }
        #expect(ImageModelFamily.of("gpt-image-1-mini")?.takesInputFidelity == false)
        #expect(ImageModelFamily.of("gpt-image-1.5")?.takesInputFidelity == true)
        #expect(ImageModelFamily.of("flux-schnell") == nil)
    }

    func settings(_ env: [String: String]) -> String {
        do {
            let s = try OpenAISettings(environment: ["OPENAI_API_KEY": "k"].merging(env) { $1 }, for: .images)
            return "ok \(s.imageModel) \(s.editModel)"
        } catch { return "\(error)" }
    }

    @Test("defaults work today: gpt-image-2.6-flare for base and grid, gpt-6-luna for chat on api.openai.com")
    func defaults() throws {
        #expect(settings([:]) == "ok gpt-image-2.6-flare gpt-image-2.6-flare")
        #expect(settings(["OPENAI_EDIT_MODEL": "gpt-image-2.6-sunburst"]) == "ok gpt-image-2.6-flare gpt-image-2.6-sunburst")
        let chat = try OpenAISettings(environment: ["OPENAI_API_KEY": "k"], for: .data)
        #expect(chat.chatModel == "gpt-6-luna")
        #expect(chat.chatConcurrency == 5)
    }

    @Test("OPENAI_IMAGE_QUALITY and OPENAI_IMAGE_COMPLEXITY are checked at start-up against each model's family, naming the variable")
    func qualityAndComplexity() {
        #expect(settings(["OPENAI_IMAGE_QUALITY": "max"]).hasPrefix("ok"))
        #expect(settings(["OPENAI_IMAGE_QUALITY": "max", "OPENAI_IMAGE_MODEL": "gpt-image-2"])
                    .contains("OPENAI_IMAGE_QUALITY=max is not a quality OPENAI_IMAGE_MODEL=gpt-image-2 takes"))
        #expect(settings(["OPENAI_IMAGE_QUALITY": "hd"]).contains("OPENAI_IMAGE_QUALITY=hd"))
        #expect(settings(["OPENAI_IMAGE_COMPLEXITY": "low"]).hasPrefix("ok"))
        #expect(settings(["OPENAI_IMAGE_COMPLEXITY": "low", "OPENAI_EDIT_MODEL": "gpt-image-2.5-sunburst"])
                    .contains("OPENAI_EDIT_MODEL=gpt-image-2.5-sunburst does not take complexity"))
        #expect(settings(["OPENAI_IMAGE_COMPLEXITY": "extreme"]).contains("OPENAI_IMAGE_COMPLEXITY=extreme is not one of low, medium, high"))
        #expect(settings(["OPENAI_IMAGE_MODEL": "gpt-4o"]).contains("gpt-image-2.6-flare"))
        // A compatible server may serve names we do not know: its rules apply.
        #expect(settings(["OPENAI_BASE_URL": "http://127.0.0.1:9/v1", "OPENAI_IMAGE_MODEL": "flux-schnell"]).hasPrefix("ok"))
    }

    @Test("the provider's size rule is both models' rules; quality and complexity are sent only where the family takes them")
    func sizeRule() throws {
        let both = ProviderTest.clients.openAIImageProvider(OpenAISettings(apiKey: "k", imageModel: "gpt-image-2.6-flare",
                                                                           editModel: "gpt-image-1"))
        #expect(both.sizeRule.problem(with: ImageSize(width: 2048, height: 2048)) != nil)
        #expect(both.sizeRule.problem(with: ImageSize(width: 1536, height: 1024)) == nil)
        let one = ProviderTest.clients.openAIImageProvider(OpenAISettings(apiKey: "k"))
        #expect(one.sizeRule == .constrained(ImageModelFamily.currentSizes))
    }
}

@Suite("Model lifecycle: GET /models and shutdown dates")
struct ModelLifecycleTests {
    static let today = ISO8601DateFormatter().date(from: "2026-11-30T12:00:00Z")!
    func model(_ name: String, _ variable: String = "OPENAI_IMAGE_MODEL") -> ConfiguredModel {
        ConfiguredModel(variable: variable, model: name, replacement: "gpt-image-2.6-flare", baseURL: "http://x/v1", apiKey: nil)
    }

    @Test("not listed is an error naming the variable and the replacement; a date within 30 days warns; a past date is an error")
    func judge() {
        let dates: [(String, String?)] = [("gpt-image-2.6-flare", nil), ("gpt-image-1.5", "2026-12-01"),
                                          ("gpt-4o-mini", "2027-01-14"), ("old", "2026-11-01")]
        let catalog = ModelCatalog(models: Dictionary(uniqueKeysWithValues: dates))
        func verdict(_ name: String) -> ModelFinding { ModelLifecycle.judge(model(name), in: catalog, today: Self.today) }
        #expect(verdict("gpt-image-2.6-flare").level == .ok)
        let gone = verdict("gpt-image-1")
        #expect(gone.level == .error)
        #expect(gone.message.contains("OPENAI_IMAGE_MODEL=gpt-image-1 is not listed") && gone.message.contains("use gpt-image-2.6-flare"))
        let soon = verdict("gpt-image-1.5")
        #expect(soon.level == .warning && soon.shutdownDate == "2026-12-01" && soon.message.contains("in 1 day"))
        #expect(verdict("gpt-4o-mini").level == .ok) // 45 days away
        #expect(verdict("old").level == .error)
    }

    @Test("against the fake: the retired gpt-image-1 is not listed, a listed model with a near shutdown_date warns, no list is said and not judged")
    func review() async throws {
        try await FakeServer.with(["--model-shutdown", "gpt-image-2.6-sunburst=2026-12-20"]) { (fake) async throws in
            let models = [ConfiguredModel(variable: "OPENAI_IMAGE_MODEL", model: "gpt-image-1", replacement: "gpt-image-2.6-flare",
                                          baseURL: fake.openAIBase, apiKey: "test-key"),
                          ConfiguredModel(variable: "OPENAI_EDIT_MODEL", model: "gpt-image-2.6-sunburst", replacement: "gpt-image-2.6-flare",
                                          baseURL: fake.openAIBase, apiKey: "test-key")]
            let findings = await ModelLifecycle.review(models, transport: ProviderTest.client, today: Self.today)
            #expect(findings.map(\.level) == [.error, .warning])
            #expect(try await fake.requests("/v1/models") == 1) // one list per server
        }
        try await FakeServer.with(["--no-models"]) { (fake) async throws in
            let findings = await ModelLifecycle.review([ConfiguredModel(variable: "OPENAI_IMAGE_MODEL", model: "x", replacement: "y",
                                                                        baseURL: fake.openAIBase, apiKey: "test-key")],
                                                       transport: ProviderTest.client, today: Self.today)
            #expect(findings.first?.level == .unknown)
            #expect(findings.first?.message.contains("answered HTTP 404") == true)
        }
    }

    @Test("model_not_found pauses the provider: one clear error naming the variable, then no more requests")
    func pause() async throws {
        try await FakeServer.with { (fake) async throws in
            let provider = ProviderTest.images(fake, model: "gpt-image-1")
            let first = await providerError {
                _ = try await provider.baseImage(prompt: "p", persona: ProviderTest.persona, task: ProviderTest.task, index: 1)
            }
            #expect(first?.code == .paused)
            #expect(first?.message.contains("OPENAI_IMAGE_MODEL=gpt-image-1 is not served") == true)
            #expect(first?.message.contains("gpt-image-2.6-flare") == true)
            let second = await providerError {
                _ = try await provider.baseImage(prompt: "p", persona: ProviderTest.persona, task: ProviderTest.task, index: 2)
            }
            #expect(second?.code == .paused)
            #expect(try await fake.requests("/v1/images/generations") == 1)
        }
    }
}
