import Foundation

/// When to try a request again, and how long to wait first (pure: no I/O,
/// no clock of its own; the random source and "now" are injectable).
///
/// Transient: 408, 409, 429 (except `insufficient_quota`), 5xx, time-outs,
/// resets and connection failures. Permanent: everything else (400, 401,
/// 403, 404, …). A server's `x-should-retry: true|false` overrides the
/// status. The wait honours `retry-after-ms`, then `Retry-After` (seconds or
/// an HTTP date); otherwise exponential backoff with full jitter:
/// `random(0 … min(cap, base · 2^(attempt-1)))`.
public struct RetryPolicy: Sendable {
    /// Total attempts including the first (default 6).
    public var maxAttempts: Int
    public var base: Duration
    public var cap: Duration
    /// The longest server-requested wait honoured; a longer hint falls back to backoff.
    public var maxServerDelay: Duration
    /// Returns a uniformly random number in the range (tests pin it).
    public var random: @Sendable (ClosedRange<Double>) -> Double
    /// The current time, for `Retry-After` dates.
    public var now: @Sendable () -> Date
    /// A client's own rules, asked first: a classification for responses it
    /// knows better (S3's `SlowDown` or a 200 carrying an error), nil to use
    /// the status rules above.
    public var rules: (@Sendable (HTTPResponse) -> Classification?)?

    public init(maxAttempts: Int = 6, base: Duration = .milliseconds(500), cap: Duration = .seconds(30),
                maxServerDelay: Duration = .seconds(120),
                random: @escaping @Sendable (ClosedRange<Double>) -> Double = { Double.random(in: $0) },
                now: @escaping @Sendable () -> Date = { Date() }) {
        self.maxAttempts = max(1, maxAttempts)
        self.base = base
        self.cap = cap
        self.maxServerDelay = maxServerDelay
        self.random = random
        self.now = now
    }

    /// No retries at all.
    public static let none = RetryPolicy(maxAttempts: 1)

    public enum Classification: Sendable, Equatable {
        case success, transient, permanent
    }

    public enum Decision: Sendable, Equatable {
        /// Hand the outcome to the caller (a success, a permanent failure, or attempts exhausted).
        case finish
        case retry(after: Duration)
    }

    /// Success, transient or permanent, for a response.
    public func classify(_ response: HTTPResponse) -> Classification {
        if let rules, let own = rules(response) { return own }
        switch response.headers["x-should-retry"]?.lowercased() {
        case "true": return (200..<300).contains(response.status) ? .success : .transient
        case "false": return (200..<300).contains(response.status) ? .success : .permanent
        default: break
        }
        switch response.status {
        case 200..<400: return .success
        case 429: return Self.isInsufficientQuota(response) ? .permanent : .transient
        case 408, 409, 500...599: return .transient
        default: return .permanent
        }
    }

    /// Transient or permanent, for a transfer that got no response.
    public func classify(_ error: Error) -> Classification {
        guard let error = error as? HTTPTransportError else { return .permanent }
        switch error.kind {
        case .timeout, .connectionReset, .connectionFailed: return .transient
        case .cancelled, .other: return .permanent
        }
    }

    /// What to do after attempt `attempt` (1-based) ended with `response` or `error`.
    public func decide(attempt: Int, response: HTTPResponse?, error: Error? = nil) -> Decision {
        let classification: Classification
        if let response { classification = classify(response) } else if let error { classification = classify(error) } else { return .finish }
        guard classification == .transient, attempt < maxAttempts else { return .finish }
        return .retry(after: delay(attempt: attempt, response: response))
    }

    /// The wait before attempt `attempt + 1`.
    public func delay(attempt: Int, response: HTTPResponse?) -> Duration {
        if let response, let hint = serverDelay(response), hint <= maxServerDelay { return hint }
        return backoff(attempt: attempt)
    }

    /// Full jitter: uniform in 0 … min(cap, base · 2^(attempt-1)).
    public func backoff(attempt: Int) -> Duration {
        let exponent = Double(min(max(attempt - 1, 0), 30))
        let ceiling = min(cap.seconds, base.seconds * pow(2, exponent))
        return .milliseconds(Int((random(0...ceiling) * 1000).rounded()))
    }

    /// The server's requested wait: `retry-after-ms`, else `Retry-After` (seconds or HTTP date).
    public func serverDelay(_ response: HTTPResponse) -> Duration? {
        if let ms = response.headers["retry-after-ms"].flatMap({ Double($0.trimmingCharacters(in: .whitespaces)) }), ms >= 0 {
            return .milliseconds(Int(ms.rounded(.up)))
        }
        guard let value = response.headers["retry-after"]?.trimmingCharacters(in: .whitespaces) else { return nil }
        if let seconds = Double(value), seconds >= 0 { return .milliseconds(Int((seconds * 1000).rounded(.up))) }
        if let date = Self.httpDate(value) {
            let seconds = max(0, date.timeIntervalSince(now()))
            return .milliseconds(Int((seconds * 1000).rounded(.up)))
        }
        return nil
    }

    /// Parses an IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT").
    static func httpDate(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter.date(from: text)
    }

    /// True when a 429's body says the account is out of quota (retrying cannot help).
    static func isInsufficientQuota(_ response: HTTPResponse) -> Bool {
        if let object = try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any],
           let error = object["error"] as? [String: Any] {
            return error["code"] as? String == "insufficient_quota" || error["type"] as? String == "insufficient_quota"
        }
        return false
    }
}

extension Duration {
    /// The duration in seconds, as a Double.
    var seconds: Double {
        let (s, attos) = components
        return Double(s) + Double(attos) / 1e18
    }
}
