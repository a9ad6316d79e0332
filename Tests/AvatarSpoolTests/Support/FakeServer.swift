import AvatarHTTP
import AvatarSystem
import Foundation
import Testing

/// A fake remote API (Tests/fakes/fake_api.py, a `PythonFake`) running as a
/// real HTTP server on 127.0.0.1, for one test. Start it with
/// `FakeServer.with { … }`, which terminates it at the end.
final class FakeServer: Sendable {
    let fake: PythonFake
    var port: Int { fake.port }
    /// A client of its own for /_control and /_stats.
    let control = CurlHTTPClient(maxInFlight: 2)

    var baseURL: String { "http://127.0.0.1:\(port)" }
    var openAIBase: String { baseURL + "/v1" }
    var flowiseURL: String { baseURL + "/api/v1/prediction/test-flow" }

    private init(arguments: [String]) async throws {
        fake = try await PythonFake.start("fake_api.py", arguments)
    }

    /// Starts a fake, runs `body`, terminates the fake.
    static func with<T>(_ arguments: [String] = [], _ body: (FakeServer) async throws -> T) async throws -> T {
        let server = try await FakeServer(arguments: arguments)
        defer { server.stop() }
        return try await body(server)
    }

    func stop() { fake.stop() }

    /// Queues fault-injection actions (see fake_api.py) and resets the counters.
    func script(_ actions: [[String: Any]], resetStats: Bool = true) async throws {
        try await post("/_control", ["script": actions, "reset_stats": resetStats])
    }

    func setDelay(ms: Int) async throws {
        try await post("/_control", ["delay_ms": ms])
    }

    func stats() async throws -> [String: Any] {
        let response = try await control.send(HTTPRequest(method: "GET", url: baseURL + "/_stats"))
        return try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any] ?? [:]
    }

    func requests(_ path: String) async throws -> Int {
        (try await stats()["requests"] as? [String: Any])?[path] as? Int ?? 0
    }

    /// The last JSON (or multipart fields) the fake accepted on `kind`
    /// ("chat", "generations", "edits", "flowise").
    func last(_ kind: String) async throws -> [String: Any] {
        let last = try await stats()["last"] as? [String: Any]
        return (last?[kind] as? [String: Any])?["json"] as? [String: Any] ?? [:]
    }

    func lastHeaders(_ kind: String) async throws -> [String: Any] {
        let last = try await stats()["last"] as? [String: Any]
        return (last?[kind] as? [String: Any])?["headers"] as? [String: Any] ?? [:]
    }

    private func post(_ path: String, _ json: [String: Any]) async throws {
        let body = try JSONSerialization.data(withJSONObject: json)
        let response = try await control.send(HTTPRequest(
            method: "POST", url: baseURL + path, headers: [("Content-Type", "application/json")],
            body: .bytes(Array(body))))
        #expect(response.status == 200)
    }
}
