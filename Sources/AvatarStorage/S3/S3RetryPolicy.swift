/// When and how long to wait before another attempt at an S3 request.
///
/// A small policy of our own: exponential backoff with full jitter, capped,
/// honouring `Retry-After`. Transient failures (no response, time-outs,
/// connection resets, 5xx, 429, S3's `SlowDown` and `RequestTimeout`) are
/// retried; everything else (400, 403, 404 …) fails at once.
public struct S3RetryPolicy: Sendable {
    /// Attempts in all, the first included (1 = no retries).
    public var maxAttempts: Int
    /// The backoff before retry n is drawn from 0 ..< min(maxDelay, baseDelay * 2^n).
    public var baseDelay: Double
    public var maxDelay: Double

    public init(maxAttempts: Int = 5, baseDelay: Double = 0.25, maxDelay: Double = 8) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = max(0, baseDelay)
        self.maxDelay = max(0, maxDelay)
    }

    /// Seconds to wait before retry `retry` (0-based); `retryAfter` from the
    /// server wins when given, capped at `maxDelay`.
    public func delay(beforeRetry retry: Int, retryAfter: Double? = nil) -> Double {
        if let retryAfter { return min(max(0, retryAfter), maxDelay) }
        let ceiling = min(maxDelay, baseDelay * Double(1 << min(retry, 30)))
        return ceiling > 0 ? Double.random(in: 0..<ceiling) : 0
    }

    /// Whether an HTTP answer is worth another attempt.
    public static func isTransient(status: Int, remoteCode: String?) -> Bool {
        switch status {
        case 408, 429, 500, 502, 503, 504: return true
        case 400: return remoteCode == "RequestTimeout"
        default: return remoteCode == "SlowDown" || remoteCode == "InternalError"
        }
    }
}
