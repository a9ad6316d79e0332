import AvatarDomain
import AvatarHTTP
import AvatarSystem
import AvatarTask
import Foundation
import Logging

/// Persona data and image prompts from an OpenAI-compatible chat completions
/// server (OpenAI, vLLM, Ollama, llama.cpp, LocalAI), with JSON-schema
/// structured output; the schema is in the prompt too, for servers that
/// ignore `response_format`.
public struct OpenAIChatPersonaProvider: PersonaProvider {
    public let name = "openai"
    public let settings: OpenAISettings
    let client: RetryingClient
    let pause: ProviderPause
    let logger: Logger

    /// - Parameter client: what every request goes through (retries, the
    ///   rate limit, at most `MULTITHREAD_FLOWISE` at once), made by the
    ///   composition root (`ProviderClients`), never here.
    public init(settings: OpenAISettings, client: RetryingClient,
                logger: Logger = Logger(label: "avatar-spool.openai-chat")) {
        self.settings = settings
        self.logger = logger
        self.pause = ProviderPause(logger: logger)
        self.client = client
    }

    static let system = "You generate realistic, fictional personas for synthetic test data. You answer with JSON only when asked for JSON."

    /// - Throws: `ProviderError`: `.refused` on a refusal, `.badResponse` on a
    ///   truncated answer or no valid persona after `maxPersonaAsks` answers.
    public func persona(for task: TaskSpec, index: Int, avoiding: Set<String>) async throws -> Persona {
        try await PersonaAsking.ask(maxAsks: settings.maxPersonaAsks, provider: name, task: task, index: index,
                                    avoiding: avoiding, logger: logger) { question in
            try PersonaJSON.persona(in: try await complete(user: question, schema: true))
        }
    }

    public func imagePrompt(for persona: Persona, task: TaskSpec, index: Int) async throws -> String {
        let prompt = PersonaPrompt.cleanPrompt(try await complete(user: PersonaPrompt.imagePrompt(for: persona, task: task), schema: false))
        guard !prompt.isEmpty else {
            throw ProviderError(.badResponse, provider: name, message: "the model answered an empty image prompt")
        }
        return prompt
    }

    /// One chat completion; returns the message content. Only `model`,
    /// `messages` and `response_format` are sent: reasoning models (gpt-6-luna)
    /// refuse `temperature` and `max_tokens`, and every compatible server takes these.
    func complete(user: String, schema: Bool) async throws -> String {
        var body: [String: Any] = [
            "model": settings.chatModel,
            "messages": [["role": "system", "content": Self.system], ["role": "user", "content": user]],
        ]
        if schema {
            body["response_format"] = ["type": "json_schema",
                                       "json_schema": ["name": "persona", "strict": true, "schema": PersonaPrompt.schema] as [String: Any]]
        }
        let request = try RemoteCall.jsonRequest(url: settings.baseURL + "/chat/completions", bearer: settings.apiKey,
                                                 json: body, timeout: settings.chatTimeout, connectTimeout: settings.connectTimeout)
        let answerBody = try await pause.guarding(variable: "OPENAI_CHAT_MODEL", model: settings.chatModel,
                                            replacement: OpenAISettings.defaultChatModel) {
            try await RemoteCall.send(request, through: client, provider: name)
        }
        let answer = try RemoteCall.object(answerBody, provider: name)
        guard let choice = (answer["choices"] as? [[String: Any]])?.first,
              let message = choice["message"] as? [String: Any] else {
            throw ProviderError(.badResponse, provider: name, message: "the answer has no choices[0].message")
        }
        if let refusal = message["refusal"] as? String, !refusal.isEmpty {
            throw ProviderError(.refused, provider: name, remoteCode: "refusal", message: refusal)
        }
        if choice["finish_reason"] as? String == "length" {
            throw ProviderError(.badResponse, provider: name, remoteCode: "length",
                                message: "the answer was truncated (finish_reason length); raise the model's output limit")
        }
        guard let content = message["content"] as? String, !content.isEmpty else {
            throw ProviderError(.badResponse, provider: name, message: "the answer has no message content")
        }
        return content
    }
}
