import Foundation
import Testing

/// The remote-pipeline tests: the built binary, `run --drain`, against the
/// fake OpenAI / Flowise (Tests/fakes/fake_api.py). One task per test.
enum RemotePipeline {
    /// The fake's OpenAI key: distinctive, so that a leak into a log or a spool file is found.
    static let apiKey = "sk-pipeline-secret-7f3a9c"
    static let generations = "/v1/images/generations"
    static let edits = "/v1/images/edits"
    static let chat = "/v1/chat/completions"
    static let flowise = "/api/v1/prediction/test-flow"

    /// The fake for a test, with PNGs of the task's size (the pipeline checks the size).
    static func withFake<T>(pngSize: Int = 1024, _ extra: [String] = [], _ body: (FakeServer) async throws -> T) async throws -> T {
        try await FakeServer.with(["--api-key", apiKey, "--png-size", "\(pngSize)"] + extra, body)
    }

    /// The environment of a processor using the fake: `data` and `images`
    /// are the AVATAR_*_PROVIDER values; quick retries, no settle wait.
    static func environment(_ fake: FakeServer, data: String, images: String) -> [String: String] {
        ["AVATAR_DATA_PROVIDER": data, "AVATAR_IMAGE_PROVIDER": images,
         "OPENAI_BASE_URL": fake.openAIBase, "OPENAI_API_KEY": apiKey, "OPENAI_CHAT_MODEL": "test-chat",
         "OPENAI_EDIT_MODEL": "gpt-image-2.6-sunburst",
         "FLOWISE_URL": fake.flowiseURL,
         "AVATAR_RETRY_BASE_MS": "10", "AVATAR_RETRY_CAP_MS": "50", "AVATAR_RETRY_MAX_ATTEMPTS": "4",
         "AVATAR_SETTLE_SECONDS": "0"]
    }

    /// What one `run --drain` left behind.
    struct Outcome {
        let spool: TempSpool
        let id: String
        let count: Int
        let status: Int32
        let log: String
        let seconds: Double

        var folder: String { "completed/\(id)" }
        var result: [String: Any]? { spool.json("\(folder)/result.json") }
        var taskError: [String: Any]? { spool.json("\(folder)/error.json") }
        func personaError(_ n: Int) -> [String: Any]? { spool.json("\(folder)/persona_\(n)/error.json") }
        /// Result entries of the personas, by index.
        var personas: [Int: [String: Any]] {
            var out: [Int: [String: Any]] = [:]
            for p in result?["personas"] as? [[String: Any]] ?? [] { if let i = p["index"] as? Int { out[i] = p } }
            return out
        }
        /// Personas with all of their files and no error.json.
        var completePersonas: [Int] {
            (1...count).filter { n in
                personaFileNames.allSatisfy { spool.exists("\(folder)/persona_\(n)/\($0)") }
                    && !spool.exists("\(folder)/persona_\(n)/error.json")
            }
        }
        var context: String { "\(spool.overview())\nlog:\n\(log.suffix(4000))" }
    }

    /// Drops a task of `count` personas at `size`, runs `run --drain` to its
    /// end, and checks that the task ended in completed/ and that no file of
    /// the spool or line of the log holds the key.
    static func drain(_ spool: TempSpool, _ fake: FakeServer, id: String, count: Int = 2, size: String = "1024x1024",
                      data: String = "builtin", images: String = "openai",
                      sourceLocation: SourceLocation = #_sourceLocation) async throws -> Outcome {
        try spool.dropByRename(TaskFile.json(id: id, count: count, size: size), as: id + ".json")
        let started = ContinuousClock.now
        let run = try await spool.runToEnd(["run", "--drain"], env: environment(fake, data: data, images: images), timeout: 60)
        let seconds = (ContinuousClock.now - started) / .seconds(1)
        let outcome = Outcome(spool: spool, id: id, count: count, status: run.status, log: run.err + run.out, seconds: seconds)
        #expect(run.status == 0, "\(outcome.context)", sourceLocation: sourceLocation)
        #expect(spool.stage(of: id) == "completed", "\(outcome.context)", sourceLocation: sourceLocation)
        #expect(!outcome.log.contains(apiKey), "the key is in the log", sourceLocation: sourceLocation)
        for leak in filesContaining(apiKey, under: spool.root) {
            Issue.record("the key is in \(leak)", sourceLocation: sourceLocation)
        }
        return outcome
    }

    /// Files under `root` whose bytes contain `secret`.
    static func filesContaining(_ secret: String, under root: String) -> [String] {
        let needle = Data(secret.utf8)
        let files = FileManager.default.enumerator(atPath: root)?.compactMap { $0 as? String } ?? []
        return files.filter { relative in
            guard let data = FileManager.default.contents(atPath: root + "/" + relative) else { return false }
            return data.range(of: needle) != nil
        }
    }

    /// Image requests the fake received, as (generations, edits).
    static func imageRequests(_ fake: FakeServer) async throws -> (generations: Int, edits: Int) {
        (try await fake.requests(generations), try await fake.requests(edits))
    }
}

/// All remote-pipeline tests, one at a time (each starts a fake and a processor).
@Suite(.serialized)
enum `Remote pipeline` {}
