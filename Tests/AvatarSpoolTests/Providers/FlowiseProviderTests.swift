import AvatarDomain
import AvatarProviders
import Foundation
import Testing

@Suite("FlowisePersonaProvider against the fake Flowise")
struct FlowiseProviderTests {
    let task = ProviderTest.task

    @Test("a persona: question, fresh sessionId, Bearer key; then an image prompt")
    func persona() async throws {
        try await FakeServer.with(["--flowise-key", "flow-secret"]) { (fake) async throws in
            let provider = ProviderTest.flowise(fake, key: "flow-secret")
            let persona = try await provider.persona(for: task, index: 1, avoiding: [])
            #expect(!persona.firstname.isEmpty && persona.age > 0)
            let body = try await fake.last("flowise")
            #expect((body["question"] as? String)?.contains("JSON") == true)
            let session = (body["overrideConfig"] as? [String: Any])?["sessionId"] as? String
            #expect(session.flatMap(UUID.init(uuidString:)) != nil)
            #expect(try await fake.lastHeaders("flowise")["authorization"] as? String == "Bearer flow-secret")

            _ = try await provider.persona(for: task, index: 2, avoiding: [persona.fullName])
            let sessions = try await fake.stats()["sessions"] as? [String] ?? []
            #expect(Set(sessions).count == 2, "each persona gets its own session")

            let prompt = try await provider.imagePrompt(for: persona, task: task, index: 1)
            #expect(prompt.contains("selfie"))
        }
    }

    @Test("a wrong key is a permanent 401, not retried")
    func wrongKey() async throws {
        try await FakeServer.with(["--flowise-key", "flow-secret"]) { (fake) async throws in
            let error = await providerError { _ = try await ProviderTest.flowise(fake, key: "nope").persona(for: task, index: 1, avoiding: []) }
            #expect(error?.status == 401)
            #expect(error?.description.contains("nope") == false)
            #expect(try await fake.requests("/api/v1/prediction/test-flow") == 1)
        }
    }

    @Test("JSON in prose, in a ```json fence, and in the json field")
    func shapes() async throws {
        try await FakeServer.with { (fake) async throws in
            let provider = ProviderTest.flowise(fake)
            for shape in ["prose", "fence", "json_field"] {
                try await fake.script([["persona": shape]])
                let persona = try await provider.persona(for: task, index: 1, avoiding: [])
                #expect(persona.city == "Lisbon", "shape \(shape)")
                #expect(try await fake.requests("/api/v1/prediction/test-flow") == 1)
            }
        }
    }

    @Test("a persona missing a field is asked for again, and the model is told why")
    func missingField() async throws {
        try await FakeServer.with { (fake) async throws in
            try await fake.script([["persona": "missing_field"], ["persona": "bad_type"]])
            let persona = try await ProviderTest.flowise(fake).persona(for: task, index: 1, avoiding: [])
            #expect(persona.city == "Lisbon")
            #expect(try await fake.requests("/api/v1/prediction/test-flow") == 3)
            #expect((try await fake.last("flowise")["question"] as? String)?.contains("'age'") == true)
        }
    }

    @Test("never a valid persona: fails after four answers with the last problem")
    func alwaysInvalid() async throws {
        try await FakeServer.with { (fake) async throws in
            try await fake.script(Array(repeating: ["persona": "missing_field"], count: 6))
            let error = await providerError { _ = try await ProviderTest.flowise(fake).persona(for: task, index: 1, avoiding: []) }
            #expect(error?.code == .badResponse)
            #expect(error?.message.contains("missing field 'city'") == true)
            #expect(try await fake.requests("/api/v1/prediction/test-flow") == 4)
        }
    }

    @Test("a plain-text 429 with Retry-After: 1 waits at least a second, then succeeds")
    func rateLimited() async throws {
        try await FakeServer.with { (fake) async throws in
            try await fake.script([["status": 429, "headers": ["Retry-After": "1"]]])
            let start = ContinuousClock.now
            _ = try await ProviderTest.flowise(fake).persona(for: task, index: 1, avoiding: [])
            #expect(ContinuousClock.now - start >= .seconds(1))
            #expect(try await fake.requests("/api/v1/prediction/test-flow") == 2)
        }
    }

    @Test("500, a reset and a hang past the time-out are retried")
    func transient() async throws {
        try await FakeServer.with { (fake) async throws in
            try await fake.script([["status": 500], ["reset": true], ["hang": 40]])
            let start = ContinuousClock.now
            _ = try await ProviderTest.flowise(fake, timeout: 0.5).persona(for: task, index: 1, avoiding: [])
            #expect(ContinuousClock.now - start < .seconds(20)) // a hang guard: expected about 1 s; a broken time-out takes 40 s
            #expect(try await fake.requests("/api/v1/prediction/test-flow") == 4)
        }
    }

    @Test("a missing FLOWISE_URL is a clear configuration error; a bad number names its variable")
    func missingSetting() {
        #expect(throws: ProviderError.self) { try FlowiseSettings(environment: [:]) }
        do { _ = try FlowiseSettings(environment: ["FLOWISE_API_KEY": "k"]) } catch let error as ProviderError {
            #expect(error.code == .configuration)
            #expect(error.message.hasPrefix("AVATAR_DATA_PROVIDER=flowise needs FLOWISE_URL"))
        } catch { Issue.record("\(error)") }
        do { _ = try FlowiseSettings(environment: ["FLOWISE_URL": "http://x/api/v1/prediction/1", "MULTITHREAD_FLOWISE": "many"]) }
        catch let error as ProviderError { #expect(error.message.contains("MULTITHREAD_FLOWISE=many")) }
        catch { Issue.record("\(error)") }
        let settings = try? FlowiseSettings(environment: ["FLOWISE_URL": "http://x/api/v1/prediction/1", "FLOWISE_API_KEY": "sekrit",
                                                          "MULTITHREAD_FLOWISE": "8", "FLOWISE_REQUESTS_PER_MINUTE": "60"])
        #expect(settings?.maxConcurrent == 8)
        #expect(settings?.requestsPerMinute == 60)
        #expect(settings?.summary.contains("sekrit") == false)
    }
}
