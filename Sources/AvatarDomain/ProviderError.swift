/// A provider or store failed. `transient` errors were already retried by the
/// HTTP layer when they reach the pipeline; the pipeline fails the persona.
public struct ProviderError: Error, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, RawRepresentable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        public static let http = Code(rawValue: "http")
        public static let transport = Code(rawValue: "transport")
        public static let timeout = Code(rawValue: "timeout")
        public static let refused = Code(rawValue: "content_refused")
        public static let badResponse = Code(rawValue: "bad_response")
        public static let badImage = Code(rawValue: "bad_image")
        public static let configuration = Code(rawValue: "configuration")
        public static let storage = Code(rawValue: "storage")
        /// The provider can serve nothing until an operator acts (its model is
        /// gone): the pipeline fails no persona and leaves the task where it is.
        public static let paused = Code(rawValue: "provider_paused")
        /// The task's own `budget_usd` is reached: the persona fails, the task finishes as partial.
        public static let budget = Code(rawValue: "task_budget_reached")
    }

    public var code: Code
    /// Which provider or store: "openai-images", "flowise", "s3".
    public var provider: String
    /// HTTP status when there was one.
    public var status: Int?
    /// The remote's own error code (`moderation_blocked`, `SignatureDoesNotMatch`).
    public var remoteCode: String?
    /// The remote's message, or ours.
    public var message: String

    public init(_ code: Code, provider: String, status: Int? = nil, remoteCode: String? = nil, message: String) {
        self.code = code
        self.provider = provider
        self.status = status
        self.remoteCode = remoteCode
        self.message = message
    }

    public var description: String {
        var s = "\(provider): "
        if let status { s += "HTTP \(status) " }
        if let remoteCode { s += "[\(remoteCode)] " }
        return s + message
    }
}
