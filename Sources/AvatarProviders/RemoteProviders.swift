import AvatarDomain

/// Reads which remote providers the environment asks for, with their
/// settings; the composition root builds them (and their clients) and adds
/// the builtin ones. `AVATAR_DATA_PROVIDER` is builtin | flowise | openai
/// and `AVATAR_IMAGE_PROVIDER` builtin | openai (default builtin).
public enum RemoteProviders {
    /// The persona provider the environment names.
    public enum Persona: Sendable {
        case builtin
        case flowise(FlowiseSettings)
        case openAI(OpenAISettings)

        /// The startup-log summary (no keys); nil for builtin.
        public var summary: String? {
            switch self {
            case .builtin: nil
            case .flowise(let settings): settings.summary
            case .openAI(let settings): settings.summary(for: .data)
            }
        }
    }

    /// The image provider the environment names.
    public enum Images: Sendable {
        case builtin
        case openAI(OpenAISettings)

        /// The startup-log summary (no keys); nil for builtin.
        public var summary: String? {
            switch self {
            case .builtin: nil
            case .openAI(let settings): settings.summary(for: .images)
            }
        }
    }

    /// - Throws: `ProviderError` (`.configuration`) for an unknown provider or a missing setting.
    public static func persona(environment: [String: String]) throws -> Persona {
        switch (environment["AVATAR_DATA_PROVIDER"] ?? "builtin").lowercased() {
        case "", "builtin": return .builtin
        case "flowise": return .flowise(try FlowiseSettings(environment: environment))
        case "openai": return .openAI(try OpenAISettings(environment: environment, for: .data))
        case let other:
            throw ProviderError(.configuration, provider: "config",
                                message: "AVATAR_DATA_PROVIDER=\(other) is not one of builtin, flowise, openai")
        }
    }

    /// - Throws: `ProviderError` (`.configuration`) for an unknown provider or a missing setting.
    public static func images(environment: [String: String]) throws -> Images {
        switch (environment["AVATAR_IMAGE_PROVIDER"] ?? "builtin").lowercased() {
        case "", "builtin": return .builtin
        case "openai": return .openAI(try OpenAISettings(environment: environment, for: .images))
        case let other:
            throw ProviderError(.configuration, provider: "config",
                                message: "AVATAR_IMAGE_PROVIDER=\(other) is not one of builtin, openai")
        }
    }
}
