import AvatarDomain
import AvatarHTTP
import Foundation

/// Turning HTTP outcomes into `ProviderError`s, shared by the providers.
enum RemoteCall {
    /// Sends `request` through `client`; returns the body of a 2xx response.
    /// - Throws: `ProviderError` with the remote's message and code otherwise.
    static func send(_ request: HTTPRequest, through client: any HTTPTransport, provider: String) async throws -> [UInt8] {
        let response: HTTPResponse
        do {
            response = try await client.send(request)
        } catch let error as HTTPTransportError {
            if error.kind == .cancelled { throw CancellationError() }
            throw ProviderError(error.kind == .timeout ? .timeout : .transport, provider: provider,
                                message: "\(error.kind.rawValue): \(error.message) (\(error.url))")
        }
        guard (200..<300).contains(response.status) else { throw error(for: response, provider: provider) }
        return response.body
    }

    /// The provider's error for a non-2xx response: OpenAI's
    /// `{"error": {"message", "code", "type"}}`, Flowise's `{"message"}` or
    /// `{"error": "…"}`, or the start of a plain-text body.
    static func error(for response: HTTPResponse, provider: String) -> ProviderError {
        var message = ""
        var remoteCode: String?
        if let object = try? JSONSerialization.jsonObject(with: Data(copying: response.body)) as? [String: Any] {
            if let error = object["error"] as? [String: Any] {
                message = error["message"] as? String ?? ""
                remoteCode = (error["code"] as? String) ?? (error["type"] as? String)
            } else if let error = object["error"] as? String {
                message = error
            } else if let text = object["message"] as? String {
                message = text
            }
        }
        if message.isEmpty {
            message = String(response.bodyText.trimmingCharacters(in: .whitespacesAndNewlines).prefix(300))
        }
        if message.isEmpty { message = "HTTP \(response.status) with an empty body" }
        let code: ProviderError.Code = remoteCode == "moderation_blocked" || remoteCode == "content_policy_violation"
            ? .refused : .http
        return ProviderError(code, provider: provider, status: response.status, remoteCode: remoteCode, message: message)
    }

    /// A JSON request with a Bearer key when there is one.
    static func jsonRequest(url: String, bearer: String?, json: Any, timeout: Double, connectTimeout: Double = 15) throws -> HTTPRequest {
        var headers: [(name: String, value: String)] = [("Content-Type", "application/json"), ("Accept", "application/json")]
        if let bearer { headers.append(("Authorization", "Bearer \(bearer)")) }
        let body = try JSONSerialization.data(withJSONObject: json, options: [.sortedKeys])
        return HTTPRequest(method: "POST", url: url, headers: headers, body: .bytes(Array(body)),
                           timeout: timeout, connectTimeout: connectTimeout)
    }

    /// Parses a JSON object answer, or throws `.badResponse`.
    static func object(_ body: [UInt8], provider: String) throws -> [String: Any] {
        guard let object = try? JSONSerialization.jsonObject(with: Data(copying: body)) as? [String: Any] else {
            throw ProviderError(.badResponse, provider: provider,
                                message: "the answer is not a JSON object: \(String(decoding: body.prefix(200), as: UTF8.self))")
        }
        return object
    }
}
