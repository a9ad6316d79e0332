/// A per-minute rate limit shared by every request to one provider, and
/// that provider's collective backoff: when any request is told to slow
/// down (429), `pause(for:)` makes every caller of `acquire()` wait.
///
/// Each attempt takes a token, failed ones included, since the remote counts
/// them too. With `perMinute == nil` only pauses apply.
public actor TokenBucket {
    public nonisolated let perMinute: Int?
    public nonisolated let burst: Int
    private var tokens: Double
    private var refilled: ContinuousClock.Instant
    private var pausedUntil: ContinuousClock.Instant?
    private let clock = ContinuousClock()

    /// - Parameters:
    ///   - perMinute: requests per minute; nil = unlimited.
    ///   - burst: how many may start at once after a quiet period (default: the per-minute figure).
    public init(perMinute: Int?, burst: Int? = nil) {
        let perMinute = perMinute.map { max(1, $0) }
        self.perMinute = perMinute
        self.burst = max(1, burst ?? perMinute ?? 1)
        self.tokens = Double(self.burst)
        self.refilled = clock.now
    }

    /// Waits until a request may start (the pause is over and a token is
    /// available), then takes the token.
    /// - Throws: `CancellationError` if the task is cancelled while waiting.
    public func acquire() async throws {
        while true {
            let now = clock.now
            if let until = pausedUntil, until > now {
                try await clock.sleep(until: until)
                continue
            }
            guard let perMinute else { return }
            let rate = Double(perMinute) / 60           // tokens per second
            tokens = min(Double(burst), tokens + (now - refilled).seconds * rate)
            refilled = now
            if tokens >= 1 {
                tokens -= 1
                return
            }
            try await clock.sleep(until: now + .milliseconds(Int(((1 - tokens) / rate * 1000).rounded(.up))))
        }
    }

    /// Holds every caller for `duration` from now (never shortens a pause already set).
    public func pause(for duration: Duration) {
        let until = clock.now + duration
        if let current = pausedUntil, current >= until { return }
        pausedUntil = until
    }

    /// When the current pause ends, if one is in force.
    public var pauseEnds: ContinuousClock.Instant? {
        guard let until = pausedUntil, until > clock.now else { return nil }
        return until
    }
}
