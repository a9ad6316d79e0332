import Foundation
import Testing

extension `Remote pipeline` {
    /// A remote provider whose settings are missing is a startup error from
    /// the CLI that names the variable, never a silent fallback.
    @Suite("Missing settings", .serialized)
    struct MissingSettings {
        /// Runs `run --drain` with `env`; expects a non-zero exit naming `variable`, and no task touched.
        func expectStartupError(_ env: [String: String], names variable: String,
                                sourceLocation: SourceLocation = #_sourceLocation) async throws {
            let spool = try TempSpool("rp-config")
            defer { spool.remove() }
            try spool.dropByRename(TaskFile.json(id: "untouched", count: 1), as: "untouched.json")
            let run = try await spool.runToEnd(["run", "--drain"], env: env, timeout: 30)
            #expect(run.status != 0, "exit \(run.status)", sourceLocation: sourceLocation)
            #expect((run.err + run.out).contains(variable), "output:\n\(run.err)\n\(run.out)", sourceLocation: sourceLocation)
            #expect(spool.list("pending") == ["untouched.json"], "\(spool.overview())", sourceLocation: sourceLocation)
        }

        @Test("AVATAR_IMAGE_PROVIDER=openai without OPENAI_API_KEY (default base URL) names OPENAI_API_KEY")
        func openAIKey() async throws {
            try await expectStartupError(["AVATAR_IMAGE_PROVIDER": "openai"], names: "OPENAI_API_KEY")
        }

        @Test("AVATAR_DATA_PROVIDER=flowise without FLOWISE_URL names FLOWISE_URL")
        func flowiseURL() async throws {
            try await expectStartupError(["AVATAR_DATA_PROVIDER": "flowise"], names: "FLOWISE_URL")
        }
    }
}
