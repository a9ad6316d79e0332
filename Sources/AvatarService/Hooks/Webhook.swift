import AvatarCrypto
import AvatarHTTP
import Foundation

/// The finish event as a JSON POST to AVATAR_WEBHOOK_URL, through the
/// libcurl client with the providers' retry policy. With a secret, the body
/// is signed: `X-Avatar-Signature-256: sha256=<hex HMAC-SHA256(secret, body)>`
/// (the receiver recomputes it over the raw body and compares in constant time).
public struct Webhook: Sendable {
    public static let signatureHeader = "X-Avatar-Signature-256"

    public let url: String
    let secret: [UInt8]?
    let client: any HTTPTransport
    let timeout: Double

    /// - Parameter client: a `RetryingClient` over the shared libcurl client.
    public init(url: String, secret: String?, client: any HTTPTransport, timeout: Double = 30) {
        self.url = url
        self.secret = secret.map { Array($0.utf8) }
        self.client = client
        self.timeout = timeout
    }

    /// "sha256=<hex>" for `body`.
    /// - Throws: `CryptoError` when libcrypto cannot compute the HMAC.
    public static func signature(of body: [UInt8], secret: [UInt8]) throws -> String {
        "sha256=" + (try HMACSHA256.authenticationCode(for: body, key: secret)).hexString
    }

    /// The request for `event`.
    public func request(for event: FinishEvent) throws -> HTTPRequest {
        let body = event.json()
        var headers: [(name: String, value: String)] = [
            ("Content-Type", "application/json"),
            ("X-Avatar-Event", event.event),
            // Receivers deduplicate on this: a retried delivery carries the same id.
            ("X-Avatar-Delivery", "\(event.taskID)/\(event.status)"),
        ]
        if let secret { headers.append((Self.signatureHeader, try Self.signature(of: body, secret: secret))) }
        return HTTPRequest(method: "POST", url: url, headers: headers, body: .bytes(body), timeout: timeout)
    }

    /// Delivers `event`. Returns the final HTTP status.
    /// - Throws: `WebhookError` for a final non-2xx answer, `HTTPTransportError`
    ///   when no attempt got an answer.
    @discardableResult
    public func deliver(_ event: FinishEvent) async throws -> Int {
        let response = try await client.send(try request(for: event))
        guard (200..<300).contains(response.status) else {
            throw WebhookError(status: response.status, body: String(response.bodyText.prefix(300)))
        }
        return response.status
    }
}

/// The receiver answered the webhook with a non-2xx status (after retries).
public struct WebhookError: Error, CustomStringConvertible, Sendable {
    public var status: Int
    public var body: String
    public var description: String { "HTTP \(status): \(body)" }
}
