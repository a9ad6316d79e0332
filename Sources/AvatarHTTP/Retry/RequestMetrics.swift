import CoreMetrics

/// What `RetryingClient` reports through swift-metrics (the process decides
/// where it goes; without a bootstrapped backend these do nothing).
/// Names and help texts: AvatarService's MetricNames.
struct RequestMetrics: Sendable {
    let provider: String
    let kind: String

    /// "openai-images" → provider openai, kind images; "flowise" → flowise, request.
    init(remote: String) {
        if let dash = remote.firstIndex(of: "-") {
            provider = String(remote[..<dash])
            kind = String(remote[remote.index(after: dash)...])
        } else {
            provider = remote
            kind = "request"
        }
    }

    /// One attempt ended: with an HTTP status, or none ("error").
    func attempt(status: Int?, duration: Duration) {
        let labels = [("provider", provider), ("kind", kind)]
        Counter(label: "avatar_provider_requests_total", dimensions: labels + [("status", status.map(String.init) ?? "error")]).increment()
        Timer(label: "avatar_provider_request_duration_seconds", dimensions: labels).recordNanoseconds(
            duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000)
        if status == 429 {
            Counter(label: "avatar_provider_rate_limited_total", dimensions: labels).increment()
        }
    }

    func retry() {
        Counter(label: "avatar_provider_retries_total", dimensions: [("provider", provider), ("kind", kind)]).increment()
    }
}
