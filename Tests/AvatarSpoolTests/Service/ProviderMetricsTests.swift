import Foundation
import Testing

extension `Remote pipeline` {
    /// Issue 9: the provider metrics, through the pipeline with the fake
    /// OpenAI image provider and a scripted 429.
    @Suite("Provider metrics", .serialized)
    struct ProviderMetrics {
        typealias R = RemotePipeline

        @Test("requests by provider, kind and status, their latency, retries, 429s, tokens and today's spend reach the metrics file")
        func providerMetrics() async throws {
            let spool = try TempSpool("rp-metrics")
            defer { spool.remove() }
            let metrics = spool.root + "/avatar.prom"
            try await R.withFake { fake in
                try await fake.script([["status": 429, "path": R.generations]])
                try spool.dropByRename(TaskFile.json(id: "metered", count: 2, size: "1024x1024"), as: "metered.json")
                var env = R.environment(fake, data: "builtin", images: "openai")
                env["AVATAR_METRICS_FILE"] = metrics
                let run = try await spool.runToEnd(["run", "--drain"], env: env, timeout: 60)
                #expect(run.status == 0, "\(run.err)")
                let text = (try? String(contentsOfFile: metrics, encoding: .utf8)) ?? ""
                for needle in [
                    #"avatar_provider_requests_total{provider="openai",kind="images",status="429"} 1"#,
                    #"avatar_provider_requests_total{provider="openai",kind="images",status="200"} 4"#,
                    #"avatar_provider_rate_limited_total{provider="openai",kind="images"} 1"#,
                    #"avatar_provider_retries_total{provider="openai",kind="images"} 1"#,
                    #"avatar_provider_request_duration_seconds_count{provider="openai",kind="images"} 5"#,
                    #"avatar_personas_finished_total{outcome="succeeded"} 2"#,
                    // The fake's gpt-image-2 usage per persona: the base 60 in, 1056 out;
                    // the grid (an edit) 60 + 1290 image tokens in, 1056 out.
                    #"avatar_tokens_total{kind="input"} 2820"#,
                    #"avatar_tokens_total{kind="output"} 4224"#,
                    // Images cost money here: today's spend from the ledger.
                    "# TYPE avatar_spend_today_usd gauge",
                ] {
                    #expect(text.contains(needle), "\(needle) missing in\n\(text)")
                }
                #expect(!text.contains(R.apiKey))
            }
        }
    }
}
