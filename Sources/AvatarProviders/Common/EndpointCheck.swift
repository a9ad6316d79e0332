import AvatarHTTP

/// One line of `avatar-spool doctor`: is a configured endpoint reachable,
/// and are its credentials accepted where a cheap call can tell.
public struct EndpointCheck: Sendable, CustomStringConvertible {
    public enum Verdict: String, Sendable { case ok = "OK", warning = "WARN", failed = "FAIL" }
    public var name: String
    /// The URL checked (never with a key).
    public var endpoint: String
    public var verdict: Verdict
    public var detail: String

    public var description: String { "[\(verdict.rawValue)] \(name) \(endpoint): \(detail)" }

    /// One GET, no retries; `accepted` says which statuses mean "reachable and authorised".
    static func get(_ name: String, url: String, bearer: String?, transport: any HTTPTransport,
                    timeout: Double = 10) async -> EndpointCheck {
        var headers: [(name: String, value: String)] = [("Accept", "application/json")]
        if let bearer { headers.append(("Authorization", "Bearer \(bearer)")) }
        do {
            let response = try await transport.send(HTTPRequest(method: "GET", url: url, headers: headers,
                                                                timeout: timeout, connectTimeout: min(timeout, 5)))
            switch response.status {
            case 200..<300: return EndpointCheck(name: name, endpoint: url, verdict: .ok, detail: "reachable, HTTP \(response.status)")
            case 401, 403:
                return EndpointCheck(name: name, endpoint: url, verdict: .failed,
                                     detail: "reachable, but the credentials were rejected (HTTP \(response.status))")
            default:
                return EndpointCheck(name: name, endpoint: url, verdict: .warning,
                                     detail: "reachable, but answered HTTP \(response.status)")
            }
        } catch let error as HTTPTransportError {
            return EndpointCheck(name: name, endpoint: url, verdict: .failed, detail: "\(error.kind.rawValue): \(error.message)")
        } catch {
            return EndpointCheck(name: name, endpoint: url, verdict: .failed, detail: "\(error)")
        }
    }
}

extension FlowisePersonaProvider {
    /// `GET /api/v1/ping` on the Flowise server (the key is checked only by a real prediction).
    public func check(transport: any HTTPTransport) async -> EndpointCheck {
        let root = settings.url.range(of: "/api/v1/").map { String(settings.url[..<$0.lowerBound]) } ?? settings.url
        return await EndpointCheck.get("flowise", url: root + "/api/v1/ping", bearer: settings.apiKey, transport: transport)
    }
}

extension OpenAIChatPersonaProvider {
    /// `GET {base}/models`: reachable, and the key accepted.
    public func check(transport: any HTTPTransport) async -> EndpointCheck {
        await EndpointCheck.get("openai chat", url: settings.baseURL + "/models", bearer: settings.apiKey, transport: transport)
    }
}

extension OpenAIImageProvider {
    /// `GET {base}/models`: reachable, and the key accepted.
    public func check(transport: any HTTPTransport) async -> EndpointCheck {
        await EndpointCheck.get("openai images", url: settings.baseURL + "/models", bearer: settings.apiKey, transport: transport)
    }
}
