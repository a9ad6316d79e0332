import AvatarDomain
import AvatarProviders
import Foundation
import Testing

@Suite("OpenAIChatPersonaProvider against the fake OpenAI")
struct OpenAIChatProviderTests {
    let task = ProviderTest.task
    let path = "/v1/chat/completions"

    @Test("a persona with a strict json_schema (the fake checks it), the schema also in the prompt; an image prompt")
    func persona() async throws {
        try await FakeServer.with { (fake) async throws in
            let provider = ProviderTest.chat(fake)
            let persona = try await provider.persona(for: task, index: 1, avoiding: [])
            #expect(persona.country == "PT")
            let body = try await fake.last("chat")
            #expect(body["model"] as? String == "test-chat")
            let format = body["response_format"] as? [String: Any]
            #expect(format?["type"] as? String == "json_schema")
            #expect((format?["json_schema"] as? [String: Any])?["strict"] as? Bool == true)
            let user = (body["messages"] as? [[String: Any]])?.last?["content"] as? String
            #expect(user?.contains(#""additionalProperties":false"#) == true)
            #expect(try await fake.lastHeaders("chat")["authorization"] as? String == "Bearer test-key")

            let prompt = try await provider.imagePrompt(for: persona, task: task, index: 1)
            #expect(prompt.contains("selfie"))
            #expect(try await fake.last("chat")["response_format"] == nil)
        }
    }

    @Test("JSON in prose and fences; a missing field is asked for again")
    func shapes() async throws {
        try await FakeServer.with { (fake) async throws in
            let provider = ProviderTest.chat(fake)
            try await fake.script([["persona": "prose"]])
            #expect(try await provider.persona(for: task, index: 1, avoiding: []).city == "Lisbon")
            try await fake.script([["persona": "fence"]])
            #expect(try await provider.persona(for: task, index: 1, avoiding: []).city == "Lisbon")
            try await fake.script([["persona": "missing_field"]])
            #expect(try await provider.persona(for: task, index: 1, avoiding: []).city == "Lisbon")
            #expect(try await fake.requests(path) == 2)
        }
    }

    @Test("a refusal is .refused with the model's words; a truncated answer is .badResponse")
    func refusalAndLength() async throws {
        try await FakeServer.with { (fake) async throws in
            let provider = ProviderTest.chat(fake)
            try await fake.script([["refusal": "I can't help with that."]])
            let refused = await providerError { _ = try await provider.persona(for: task, index: 1, avoiding: []) }
            #expect(refused?.code == .refused)
            #expect(refused?.message == "I can't help with that.")
            try await fake.script([["finish_reason": "length"]])
            let truncated = await providerError { _ = try await provider.persona(for: task, index: 1, avoiding: []) }
            #expect(truncated?.code == .badResponse)
            #expect(truncated?.remoteCode == "length")
            #expect(try await fake.requests(path) == 1)
        }
    }

    @Test("429 Retry-After: 1 waits at least a second; 500, reset and hang are retried")
    func transient() async throws {
        try await FakeServer.with { (fake) async throws in
            try await fake.script([["status": 429, "headers": ["Retry-After": "1"]]])
            let start = ContinuousClock.now
            _ = try await ProviderTest.chat(fake).persona(for: task, index: 1, avoiding: [])
            #expect(ContinuousClock.now - start >= .seconds(1))
            #expect(try await fake.requests(path) == 2)

            try await fake.script([["status": 500], ["reset": true], ["hang": 40]])
            let again = ContinuousClock.now
            _ = try await ProviderTest.chat(fake, timeout: 0.5).persona(for: task, index: 1, avoiding: [])
            #expect(ContinuousClock.now - again < .seconds(20)) // a hang guard: expected about 1 s; a broken time-out takes 40 s
            #expect(try await fake.requests(path) == 4)
        }
    }

    @Test("insufficient_quota is permanent, with OpenAI's message and code")
    func quota() async throws {
        try await FakeServer.with { (fake) async throws in
            try await fake.script([["insufficient_quota": true]])
            let error = await providerError { _ = try await ProviderTest.chat(fake).persona(for: task, index: 1, avoiding: []) }
            #expect(error?.status == 429)
            #expect(error?.remoteCode == "insufficient_quota")
            #expect(error?.message.contains("exceeded your current quota") == true)
            #expect(try await fake.requests(path) == 1)
        }
    }

    @Test("missing settings are clear startup errors")
    func missingSettings() {
        func message(_ env: [String: String]) -> String {
            do { _ = try OpenAISettings(environment: env, for: .data); return "ok" } catch { return "\(error)" }
        }
        #expect(message([:]).contains("AVATAR_DATA_PROVIDER=openai needs OPENAI_API_KEY"))
        #expect(message(["OPENAI_BASE_URL": "http://localhost:11434/v1"]).contains("AVATAR_DATA_PROVIDER=openai needs OPENAI_CHAT_MODEL"))
        #expect(message(["OPENAI_BASE_URL": "http://localhost:11434/v1", "OPENAI_CHAT_MODEL": "llama3"]) == "ok")
        #expect(message(["OPENAI_BASE_URL": "localhost:11434"]).contains("OPENAI_BASE_URL=localhost:11434 is not an http"))
        let settings = try? OpenAISettings(environment: ["OPENAI_API_KEY": "sk-secret"], for: .data)
        #expect(settings?.summary(for: .data).contains("sk-secret") == false)
    }
}

@Suite("Endpoint checks for doctor")
struct EndpointCheckTests {
    @Test("OK with the right key, FAIL with a wrong one or nobody listening; Flowise ping")
    func checks() async throws {
        try await FakeServer.with { (fake) async throws in
            let good = ProviderTest.chat(fake)
            #expect(await good.check(transport: ProviderTest.client).verdict == .ok)
            var settings = ProviderTest.openAISettings(fake)
            settings.apiKey = "wrong-key"
            let bad = await ProviderTest.clients.openAIImageProvider(settings).check(transport: ProviderTest.client)
            #expect(bad.verdict == .failed)
            #expect(bad.detail.contains("credentials were rejected"))
            #expect(!bad.description.contains("wrong-key"))
            #expect(await ProviderTest.flowise(fake).check(transport: ProviderTest.client).verdict == .ok)
        }
        var settings = OpenAISettings(baseURL: "http://127.0.0.1:1/v1", apiKey: "k")
        settings.connectTimeout = 1
        let down = await ProviderTest.clients.openAIChatProvider(settings).check(transport: ProviderTest.client)
        #expect(down.verdict == .failed)
    }
}
