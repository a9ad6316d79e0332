import AvatarConfig
import AvatarDomain
import AvatarHTTP

/// Reading provider settings from the environment, with errors that name
/// the variable and say what to do.
struct EnvironmentReader {
    let environment: [String: String]
    /// "AVATAR_DATA_PROVIDER=flowise", for messages.
    let context: String

    func string(_ name: String) -> String? {
        guard let value = environment[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return nil }
        return value
    }

    func required(_ name: String, _ hint: String = "") throws -> String {
        guard let value = string(name) else {
            throw ProviderError(.configuration, provider: "config",
                                message: "\(context) needs \(name)" + (hint.isEmpty ? "" : " (\(hint))"))
        }
        return value
    }

    /// A whole number, with the default and range of `SettingsCatalog` (the
    /// one table of variables); nil when unset and it has no default.
    func int(_ name: String) throws -> Int? {
        do {
            return try Settings(environment).int(name)
        } catch let error as SettingsError {
            let text = environment[name].map { "\(name)=\($0)" } ?? name
            throw ProviderError(.configuration, provider: "config", message: "\(text) is not valid: \(error.message)")
        }
    }

    func url(_ name: String, default value: String? = nil) throws -> String {
        let text = try value.map { string(name) ?? $0 } ?? required(name)
        guard text.hasPrefix("http://") || text.hasPrefix("https://") else {
            throw ProviderError(.configuration, provider: "config",
                                message: "\(name)=\(text) is not an http:// or https:// URL")
        }
        return text.hasSuffix("/") ? String(text.dropLast()) : text
    }

    /// AVATAR_RETRY_MAX_ATTEMPTS, AVATAR_RETRY_BASE_MS, AVATAR_RETRY_CAP_MS.
    func retryPolicy() throws -> RetryPolicy {
        RetryPolicy(maxAttempts: try int("AVATAR_RETRY_MAX_ATTEMPTS")!,
                    base: .milliseconds(try int("AVATAR_RETRY_BASE_MS")!),
                    cap: .milliseconds(try int("AVATAR_RETRY_CAP_MS")!))
    }
}
