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

    func int(_ name: String, default value: Int?, range: ClosedRange<Int> = 1...1_000_000) throws -> Int? {
        guard let text = string(name) else { return value }
        guard let number = Int(text), range.contains(number) else {
            throw ProviderError(.configuration, provider: "config",
                                message: "\(name)=\(text) is not a whole number in \(range.lowerBound)...\(range.upperBound)")
        }
        return number
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
        RetryPolicy(maxAttempts: try int("AVATAR_RETRY_MAX_ATTEMPTS", default: 6, range: 1...20)!,
                    base: .milliseconds(try int("AVATAR_RETRY_BASE_MS", default: 500, range: 1...60_000)!),
                    cap: .milliseconds(try int("AVATAR_RETRY_CAP_MS", default: 30_000, range: 1...600_000)!))
    }
}

import Foundation
