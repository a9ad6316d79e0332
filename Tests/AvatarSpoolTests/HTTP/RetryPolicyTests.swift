import AvatarHTTP
import Foundation
import Testing

@Suite("RetryPolicy: classification and waits")
struct RetryPolicyTests {
    func response(_ status: Int, _ headers: [String: String] = [:], body: String = "") -> HTTPResponse {
        HTTPResponse(status: status, headers: headers, body: Array(body.utf8))
    }

    @Test("408, 409, 429 and 5xx are transient; 400, 401, 403, 404 permanent; 2xx success")
    func statuses() {
        let policy = RetryPolicy()
        for status in [408, 409, 429, 500, 502, 503, 504, 599] { #expect(policy.classify(response(status)) == .transient) }
        for status in [400, 401, 403, 404, 405, 413, 422] { #expect(policy.classify(response(status)) == .permanent) }
        for status in [200, 201, 204] { #expect(policy.classify(response(status)) == .success) }
    }

    @Test("429 insufficient_quota is permanent")
    func insufficientQuota() {
        let body = #"{"error":{"message":"You exceeded your current quota","type":"insufficient_quota","code":"insufficient_quota"}}"#
        #expect(RetryPolicy().classify(response(429, body: body)) == .permanent)
        #expect(RetryPolicy().classify(response(429, body: "Too many requests")) == .transient)
    }

    @Test("x-should-retry overrides the status")
    func shouldRetry() {
        let policy = RetryPolicy()
        #expect(policy.classify(response(400, ["x-should-retry": "true"])) == .transient)
        #expect(policy.classify(response(503, ["x-should-retry": "false"])) == .permanent)
        #expect(policy.decide(attempt: 1, response: response(500, ["x-should-retry": "false"])) == .finish)
    }

    @Test("time-outs, resets and refused connections are transient; cancellation is not")
    func transportErrors() {
        let policy = RetryPolicy()
        func error(_ kind: HTTPTransportError.Kind) -> HTTPTransportError {
            HTTPTransportError(kind: kind, curlCode: 0, message: "", url: "")
        }
        #expect(policy.classify(error(.timeout)) == .transient)
        #expect(policy.classify(error(.connectionReset)) == .transient)
        #expect(policy.classify(error(.connectionFailed)) == .transient)
        #expect(policy.classify(error(.cancelled)) == .permanent)
        #expect(policy.classify(CancellationError()) == .permanent)
    }

    @Test("Retry-After in seconds is honoured")
    func retryAfterSeconds() {
        let policy = RetryPolicy(random: { _ in 0 })
        #expect(policy.decide(attempt: 1, response: response(429, ["retry-after": "3"])) == .retry(after: .seconds(3)))
        #expect(policy.delay(attempt: 1, response: response(503, ["retry-after": "0.25"])) == .milliseconds(250))
    }

    @Test("Retry-After as an HTTP date is the time until that date")
    func retryAfterDate() {
        let now = Date(timeIntervalSince1970: 1_700_000_000)  // Tue, 14 Nov 2023 22:13:20 GMT
        let policy = RetryPolicy(random: { _ in 0 }, now: { now })
        #expect(policy.delay(attempt: 1, response: response(503, ["retry-after": "Tue, 14 Nov 2023 22:13:27 GMT"]))
                == .seconds(7))
        // A date in the past means "now".
        #expect(policy.delay(attempt: 1, response: response(503, ["retry-after": "Tue, 14 Nov 2023 22:00:00 GMT"]))
                == .zero)
    }

    @Test("retry-after-ms wins over Retry-After")
    func retryAfterMs() {
        let policy = RetryPolicy(random: { _ in 0 })
        #expect(policy.delay(attempt: 2, response: response(429, ["retry-after-ms": "1500", "retry-after": "9"]))
                == .milliseconds(1500))
    }

    @Test("a hint longer than maxServerDelay, or unparsable, falls back to backoff")
    func badHints() {
        let policy = RetryPolicy(base: .seconds(1), cap: .seconds(8), maxServerDelay: .seconds(60), random: { $0.upperBound })
        #expect(policy.delay(attempt: 1, response: response(429, ["retry-after": "3600"])) == .seconds(1))
        #expect(policy.delay(attempt: 2, response: response(429, ["retry-after": "soon"])) == .seconds(2))
    }

    @Test("full jitter stays within 0 … min(cap, base·2^(n-1))")
    func jitterBounds() {
        let high = RetryPolicy(base: .milliseconds(100), cap: .seconds(1), random: { $0.upperBound })
        let low = RetryPolicy(base: .milliseconds(100), cap: .seconds(1), random: { $0.lowerBound })
        #expect(high.backoff(attempt: 1) == .milliseconds(100))
        #expect(high.backoff(attempt: 2) == .milliseconds(200))
        #expect(high.backoff(attempt: 4) == .milliseconds(800))
        #expect(high.backoff(attempt: 5) == .seconds(1))
        #expect(high.backoff(attempt: 50) == .seconds(1))
        #expect(low.backoff(attempt: 5) == .zero)
        let real = RetryPolicy(base: .milliseconds(100), cap: .seconds(1))
        for attempt in 1...10 {
            let delay = real.backoff(attempt: attempt)
            #expect(delay >= .zero && delay <= .milliseconds(min(1000, 100 << (attempt - 1))))
        }
    }

    @Test("after maxAttempts the outcome is final")
    func exhausted() {
        let policy = RetryPolicy(maxAttempts: 3, random: { _ in 0 })
        #expect(policy.decide(attempt: 2, response: response(500)) == .retry(after: .zero))
        #expect(policy.decide(attempt: 3, response: response(500)) == .finish)
        #expect(policy.decide(attempt: 1, response: response(200)) == .finish)
        #expect(policy.decide(attempt: 1, response: response(400)) == .finish)
    }
}
