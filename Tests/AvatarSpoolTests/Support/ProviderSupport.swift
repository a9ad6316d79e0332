import AvatarDomain
import AvatarHTTP
import AvatarProviders
import AvatarSpool
import AvatarTask
import Foundation
import Testing

/// Shared pieces of the provider tests: one client, fast retries, a task.
enum ProviderTest {
    static let client = CurlHTTPClient(maxInFlight: 16)
    /// Each provider's retrying client, made as the composition root makes them.
    static let clients = ProviderClients(transport: client)
    /// Fast backoff, so transient-failure tests take milliseconds (Retry-After still honoured).
    static let fastRetry = RetryPolicy(maxAttempts: 4, base: .milliseconds(10), cap: .milliseconds(50))
    static let task = TaskSpec(taskID: "test-task", count: 3)
    static let persona = Persona(firstname: "Ana", lastname: "Silva", gender: "female", age: 31, country: "PT",
                                 city: "Lisbon", occupation: "nurse", bio: "I like tests.")

    static func flowise(_ fake: FakeServer, key: String? = nil, timeout: Double = 10) -> FlowisePersonaProvider {
        var settings = FlowiseSettings(url: fake.flowiseURL, apiKey: key, maxConcurrent: 4, timeout: timeout, retry: fastRetry)
        settings.connectTimeout = 2
        return clients.flowiseProvider(settings)
    }

    static func openAISettings(_ fake: FakeServer, model: String = "gpt-image-2.6-flare", timeout: Double = 10,
                               imageConcurrency: Int = 4) -> OpenAISettings {
        var settings = OpenAISettings(baseURL: fake.openAIBase, apiKey: "test-key", chatModel: "test-chat",
                                      imageModel: model, imageConcurrency: imageConcurrency,
                                      chatTimeout: timeout, imageTimeout: timeout, retry: fastRetry)
        settings.connectTimeout = 2
        return settings
    }

    static func chat(_ fake: FakeServer, timeout: Double = 10) -> OpenAIChatPersonaProvider {
        clients.openAIChatProvider(openAISettings(fake, timeout: timeout))
    }

    static func images(_ fake: FakeServer, model: String = "gpt-image-2.6-flare", timeout: Double = 10,
                       imageConcurrency: Int = 4) -> OpenAIImageProvider {
        clients.openAIImageProvider(openAISettings(fake, model: model, timeout: timeout, imageConcurrency: imageConcurrency))
    }

    /// A tiny valid PNG (1x1 grey), for the grid's `image` part.
    static let tinyPNG: [UInt8] = Array(Data(base64Encoded:
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGNoAAAAggCBd81ytgAAAABJRU5ErkJggg==")!)

    static func isPNG(_ bytes: [UInt8]) -> Bool {
        bytes.count > 24 && Array(bytes[0..<8]) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    }
}

/// Runs `body` and returns the ProviderError it threw (recording an issue if it threw none).
func providerError(_ body: () async throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) async -> ProviderError? {
    do {
        try await body()
        Issue.record("expected a ProviderError, got success", sourceLocation: sourceLocation)
    } catch let error as ProviderError {
        return error
    } catch {
        Issue.record("expected a ProviderError, got \(error)", sourceLocation: sourceLocation)
    }
    return nil
}
