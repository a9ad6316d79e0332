import AvatarHTTP
import Foundation

/// `GET {base}/models`: the models a server serves and, on OpenAI's API,
/// each one's announced `shutdown_date` (YYYY-MM-DD; absent or null when
/// none is announced). vLLM and Ollama list what they serve; some servers
/// answer nothing, and then nothing is known.
public struct ModelCatalog: Sendable, Equatable {
    /// Model id → its shutdown date, nil when none is announced.
    public var models: [String: String?]

    public init(models: [String: String?]) {
        self.models = models
    }

    /// Why a catalog could not be had: the HTTP status or transport error.
    public struct Unavailable: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// One GET, no retries (a start-up check must not hold the start for minutes).
    public static func fetch(baseURL: String, apiKey: String?, transport: any HTTPTransport,
                             timeout: Double = 15) async -> Result<ModelCatalog, Unavailable> {
        var headers: [(name: String, value: String)] = [("Accept", "application/json")]
        if let apiKey { headers.append(("Authorization", "Bearer \(apiKey)")) }
        let url = baseURL + "/models"
        do {
            let response = try await transport.send(HTTPRequest(method: "GET", url: url, headers: headers,
                                                                timeout: timeout, connectTimeout: min(timeout, 5)))
            guard response.status == 200 else {
                let hint = response.status == 401 || response.status == 403 ? " (check OPENAI_API_KEY)" : ""
                return .failure(Unavailable(description: "GET \(url) answered HTTP \(response.status)\(hint)"))
            }
            guard let catalog = parse(response.body) else {
                return .failure(Unavailable(description: "GET \(url) did not answer a model list"))
            }
            return .success(catalog)
        } catch let error as HTTPTransportError {
            return .failure(Unavailable(description: "GET \(url): \(error.kind.rawValue): \(error.message)"))
        } catch {
            return .failure(Unavailable(description: "GET \(url): \(error)"))
        }
    }

    /// `{"object": "list", "data": [{"id": …, "shutdown_date": …}, …]}`.
    static func parse(_ body: [UInt8]) -> ModelCatalog? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any],
              let data = object["data"] as? [[String: Any]] else { return nil }
        var models: [String: String?] = [:]
        for entry in data {
            guard let id = entry["id"] as? String else { continue }
            models[id] = entry["shutdown_date"] as? String
        }
        return ModelCatalog(models: models)
    }
}
