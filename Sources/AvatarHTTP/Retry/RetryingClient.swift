import AvatarSystem
import Logging

/// A transport with retries, a rate limit and a concurrency limit: what
/// every provider sends through. Each attempt holds a permit of `limiter`
/// (released during the backoff wait) and takes a token of `bucket`; a
/// server-requested wait on 429 pauses the whole bucket, that is the whole
/// provider. Returns the final response, whatever its status (the caller
/// turns a non-2xx into its own error), or throws the final transport error.
public struct RetryingClient: HTTPTransport {
    public var transport: any HTTPTransport
    public var policy: RetryPolicy
    public var bucket: TokenBucket?
    public var limiter: AsyncLimiter?
    /// Names the remote in log lines ("openai-images", "flowise").
    public var name: String
    public var logger: Logger

    public init(transport: any HTTPTransport, policy: RetryPolicy = RetryPolicy(), bucket: TokenBucket? = nil,
                limiter: AsyncLimiter? = nil, name: String, logger: Logger = Logger(label: "avatar-spool.http")) {
        self.transport = transport
        self.policy = policy
        self.bucket = bucket
        self.limiter = limiter
        self.name = name
        self.logger = logger
    }

    /// Sends `request`, retrying transient failures as `policy` says.
    /// - Throws: the last `HTTPTransportError` when no attempt got a response,
    ///   `CancellationError` when cancelled while waiting.
    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        var attempt = 0
        let metrics = RequestMetrics(remote: name)
        while true {
            attempt += 1
            var response: HTTPResponse?
            var failure: Error?
            if let limiter { try await limiter.acquire() }
            var started: ContinuousClock.Instant?
            do {
                if let bucket { try await bucket.acquire() }
                started = .now
                response = try await transport.send(request)
            } catch {
                failure = error
            }
            limiter?.release()
            if let started { metrics.attempt(status: response?.status, duration: .now - started) }
            if failure is CancellationError { throw failure! }

            switch policy.decide(attempt: attempt, response: response, error: failure) {
            case .finish:
                if let response { return response }
                throw failure!
            case .retry(let delay):
                if let response, response.status == 429, let bucket {
                    await bucket.pause(for: delay)
                }
                var metadata: Logger.Metadata = [
                    "remote": "\(name)", "attempt": "\(attempt)", "of": "\(policy.maxAttempts)",
                    "delay_ms": "\(Int(delay.seconds * 1000))",
                ]
                if let response { metadata["status"] = "\(response.status)" }
                if let failure { metadata["error"] = "\(failure)" }
                logger.warning("transient failure, retrying", metadata: metadata)
                metrics.retry()
                try await Task.sleep(for: delay)
            }
        }
    }
}
