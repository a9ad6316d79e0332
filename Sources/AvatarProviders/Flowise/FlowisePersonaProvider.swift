import AvatarDomain
import AvatarHTTP
import AvatarSystem
import AvatarTask
import Foundation
import Logging

/// Persona data and image prompts from a Flowise chatflow (prediction API).
///
/// Each persona gets a fresh `overrideConfig.sessionId`, so the flow's memory
/// does not carry one persona into the next. The answer is read from `json`
/// when the flow returns it, else from `text`, where the JSON may sit in
/// prose or a ```json fence; an invalid persona is asked for again, at most
/// `maxPersonaAsks` times in all.
public struct FlowisePersonaProvider: PersonaProvider {
    public let name = "flowise"
    public let settings: FlowiseSettings
    let client: RetryingClient
    let logger: Logger

    /// - Parameter client: what every request goes through (retries,
    ///   `FLOWISE_REQUESTS_PER_MINUTE`, at most `MULTITHREAD_FLOWISE` at once),
    ///   made by the composition root (`ProviderClients`), never here.
    public init(settings: FlowiseSettings, client: RetryingClient,
                logger: Logger = Logger(label: "avatar-spool.flowise")) {
        self.settings = settings
        self.logger = logger
        self.client = client
    }

    /// Asks the flow for persona `index`.
    /// - Throws: `ProviderError` with Flowise's message, or `.badResponse`
    ///   when no valid persona came back after `maxPersonaAsks` answers.
    public func persona(for task: TaskSpec, index: Int, avoiding: Set<String>) async throws -> Persona {
        let session = UUID().uuidString
        return try await PersonaAsking.ask(maxAsks: settings.maxPersonaAsks, provider: name, task: task, index: index,
                                           avoiding: avoiding, logger: logger) { question in
            let answer = try await predict(question: question, session: session)
            if let json = answer["json"], !(json is NSNull) {
                return try (json as? String).map { try PersonaJSON.persona(in: $0) } ?? PersonaJSON.persona(from: json)
            } else if let text = answer["text"] as? String {
                return try PersonaJSON.persona(in: text)
            }
            throw PersonaJSON.Invalid(reason: "the answer has neither 'json' nor 'text'")
        }
    }

    /// Asks the flow for the base selfie's prompt.
    public func imagePrompt(for persona: Persona, task: TaskSpec, index: Int) async throws -> String {
        let answer = try await predict(question: PersonaPrompt.imagePrompt(for: persona, task: task), session: UUID().uuidString)
        let text = (answer["text"] as? String) ?? (answer["json"] as? String) ?? ""
        let prompt = PersonaPrompt.cleanPrompt(text)
        guard !prompt.isEmpty else {
            throw ProviderError(.badResponse, provider: name, message: "the flow answered an empty image prompt")
        }
        return prompt
    }

    /// POSTs one question; returns the answer object.
    func predict(question: String, session: String) async throws -> [String: Any] {
        let body: [String: Any] = ["question": question, "overrideConfig": ["sessionId": session]]
        let request = try RemoteCall.jsonRequest(url: settings.url, bearer: settings.apiKey, json: body,
                                                 timeout: settings.timeout, connectTimeout: settings.connectTimeout)
        let bytes = try await RemoteCall.send(request, through: client, provider: name)
        return try RemoteCall.object(bytes, provider: name)
    }
}
