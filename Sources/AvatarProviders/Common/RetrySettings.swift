import AvatarHTTP

/// The retry policy every remote call uses (AVATAR_RETRY_*), for callers
/// outside the providers (the webhook): read in one place, EnvironmentReader.
public enum RetrySettings {
    /// - Throws: `ProviderError(.configuration)` naming a malformed variable.
    public static func policy(environment: [String: String]) throws -> RetryPolicy {
        try EnvironmentReader(environment: environment, context: "").retryPolicy()
    }
}
