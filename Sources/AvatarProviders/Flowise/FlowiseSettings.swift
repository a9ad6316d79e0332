import AvatarDomain
import AvatarHTTP

/// Settings of the Flowise persona provider, from the environment.
public struct FlowiseSettings: Sendable {
    /// The full prediction URL, `http://host:3000/api/v1/prediction/<chatflow-id>`.
    public var url: String
    /// Sent as `Authorization: Bearer`; never logged.
    public var apiKey: String?
    /// MULTITHREAD_FLOWISE: requests in flight at once (default 5, as the old service).
    public var maxConcurrent: Int
    /// FLOWISE_REQUESTS_PER_MINUTE; nil = unlimited.
    public var requestsPerMinute: Int?
    /// FLOWISE_TIMEOUT_SECONDS: whole-request time-out (default 120).
    public var timeout: Double
    public var connectTimeout: Double = 15
    /// How many answers to ask for before a persona fails validation for good (first ask + 3).
    public var maxPersonaAsks: Int = 4
    public var retry: RetryPolicy

    public init(url: String, apiKey: String? = nil, maxConcurrent: Int = 4, requestsPerMinute: Int? = nil,
                timeout: Double = 120, retry: RetryPolicy = RetryPolicy()) {
        self.url = url
        self.apiKey = apiKey
        self.maxConcurrent = maxConcurrent
        self.requestsPerMinute = requestsPerMinute
        self.timeout = timeout
        self.retry = retry
    }

    /// Reads FLOWISE_URL (required), FLOWISE_API_KEY, MULTITHREAD_FLOWISE,
    /// FLOWISE_REQUESTS_PER_MINUTE, FLOWISE_TIMEOUT_SECONDS and the AVATAR_RETRY_* settings.
    /// - Throws: `ProviderError` (`.configuration`) naming the missing or malformed variable.
    public init(environment: [String: String]) throws {
        let env = EnvironmentReader(environment: environment, context: "AVATAR_DATA_PROVIDER=flowise")
        _ = try env.required("FLOWISE_URL", "the full prediction URL, e.g. http://localhost:3000/api/v1/prediction/<chatflow-id>")
        self.init(url: try env.url("FLOWISE_URL"),
                  apiKey: env.string("FLOWISE_API_KEY"),
                  maxConcurrent: try env.int("MULTITHREAD_FLOWISE")!,
                  requestsPerMinute: try env.int("FLOWISE_REQUESTS_PER_MINUTE"),
                  timeout: Double(try env.int("FLOWISE_TIMEOUT_SECONDS")!),
                  retry: try env.retryPolicy())
    }

    /// For the startup log line: the endpoint, never the key.
    public var summary: String {
        "flowise \(url) (key \(apiKey == nil ? "none" : "set"), \(maxConcurrent) at once"
            + (requestsPerMinute.map { ", \($0)/min" } ?? "") + ")"
    }
}
