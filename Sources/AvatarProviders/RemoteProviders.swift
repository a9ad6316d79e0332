import AvatarDomain
import AvatarHTTP
import AvatarSpend
import Logging

/// Builds the remote providers the environment asks for; the composition
/// root adds the builtin ones. `AVATAR_DATA_PROVIDER` is builtin | flowise |
/// openai and `AVATAR_IMAGE_PROVIDER` builtin | openai (default builtin).
public enum RemoteProviders {
    /// A remote persona provider and its startup-log summary, or nil for builtin.
    /// - Throws: `ProviderError` (`.configuration`) for an unknown provider or a missing setting.
    public static func persona(environment: [String: String], transport: any HTTPTransport,
                               logger: Logger = Logger(label: "avatar-spool.providers")) throws -> (provider: any PersonaProvider, summary: String)? {
        switch (environment["AVATAR_DATA_PROVIDER"] ?? "builtin").lowercased() {
        case "", "builtin": return nil
        case "flowise":
            let settings = try FlowiseSettings(environment: environment)
            return (FlowisePersonaProvider(settings: settings, transport: transport, logger: logger), settings.summary)
        case "openai":
            let settings = try OpenAISettings(environment: environment, for: .data)
            return (OpenAIChatPersonaProvider(settings: settings, transport: transport, logger: logger), settings.summary(for: .data))
        case let other:
            throw ProviderError(.configuration, provider: "config",
                                message: "AVATAR_DATA_PROVIDER=\(other) is not one of builtin, flowise, openai")
        }
    }

    /// A remote image provider and its startup-log summary, or nil for builtin.
    /// - Throws: `ProviderError` (`.configuration`) for an unknown provider or a missing setting.
    public static func images(environment: [String: String], transport: any HTTPTransport, prices: PriceTable = .shipped,
                              logger: Logger = Logger(label: "avatar-spool.providers")) throws -> (provider: any ImageProvider, summary: String)? {
        switch (environment["AVATAR_IMAGE_PROVIDER"] ?? "builtin").lowercased() {
        case "", "builtin": return nil
        case "openai":
            let settings = try OpenAISettings(environment: environment, for: .images)
            return (OpenAIImageProvider(settings: settings, transport: transport, prices: prices, logger: logger),
                    settings.summary(for: .images))
        case let other:
            throw ProviderError(.configuration, provider: "config",
                                message: "AVATAR_IMAGE_PROVIDER=\(other) is not one of builtin, openai")
        }
    }
}
