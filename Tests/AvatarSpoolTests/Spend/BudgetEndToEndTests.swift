import Foundation
import Testing

extension Reliability {
    /// Issue 10: a daily budget that allows exactly five images lets exactly
    /// five image requests through, with four processors on one spool; the
    /// rest wait (never fail) and go on when the injected clock reaches the
    /// next UTC day; the ledger then equals the folders.
    @Suite(.serialized) struct BudgetTests {
        @Test("four processors, a budget of exactly five images a day: 5, then 5, then the last 2; nothing failed, ledger equals the folders")
        func dailyBudgetAcrossFourProcessors() async throws {
            let base = try TestKit.makeTempDir("budget")
            defer { TestKit.remove(base) }
            let spool = base + "/spool"
            let clock = base + "/now"
            try "2026-11-30T09:00:00Z".write(toFile: clock, atomically: true, encoding: .utf8)
            try await FakeServer.with(["--api-key", "k", "--png-size", "256", "--serve-retired"]) { fake in
                try TestKit.run(["reindex"], env: TestKit.environment(spool: spool))
                // dall-e-2 at 256x256 costs 0.016 USD an image, reported by no usage: the estimate is exact.
                let env = TestKit.environment(spool: spool, [
                    "AVATAR_IMAGE_PROVIDER": "openai", "OPENAI_BASE_URL": fake.openAIBase, "OPENAI_API_KEY": "k",
                    "OPENAI_IMAGE_MODEL": "dall-e-2", "AVATAR_BUDGET_DAILY_USD": "0.08", "AVATAR_CLOCK_FILE": clock,
                    "TASK_CONCURRENCY": "4", "AVATAR_RETRY_BASE_MS": "10"])
                var procs: [SpoolProcess] = []
                defer { procs.forEach { $0.kill() } }
                for n in 1...4 { procs.append(try SpoolProcess(env: env, logPath: base + "/processor-\(n).log")) }
                #expect(await TestKit.waitUntil(timeout: 60) { procs.allSatisfy { $0.log.contains("processor started") } })
                let ids = ["budget-a", "budget-b", "budget-c"]
                for id in ids { try TestKit.drop(TaskFile.simple(id: id, count: 2), as: id + ".json", spool: spool) }

                func imageRequests() async throws -> Int {
                    try await fake.requests("/v1/images/generations") + fake.requests("/v1/images/edits")
                }
                /// Waits for `n` requests, then checks that no more come.
                func expectSettles(at n: Int, _ day: String) async throws {
                    let deadline = Date().addingTimeInterval(60)
                    while try await imageRequests() < n && Date() < deadline { try await Task.sleep(for: .milliseconds(200)) }
                    try await Task.sleep(for: .seconds(2))
                    #expect(try await imageRequests() == n, "\(day): image requests")
                    #expect(TestKit.list(spool + "/failed").isEmpty, "\(day): nothing fails for the budget")
                }
                try await expectSettles(at: 5, "day 1")
                #expect(procs.contains { $0.log.contains("daily budget reached") }, "the wait is logged")
                let status = try TestKit.run(["status"], env: env)
                #expect(status.output.contains("daily budget"), "\(status.output)")
                try "2026-12-01T00:00:05Z".write(toFile: clock, atomically: true, encoding: .utf8)
                try await expectSettles(at: 10, "day 2")
                try "2026-12-02T00:00:05Z".write(toFile: clock, atomically: true, encoding: .utf8)
                #expect(await TestKit.waitUntil(timeout: 60) { TestKit.list(spool + "/completed").count == ids.count })
                #expect(try await imageRequests() == 12)

                let ledger = try #require(FileManager.default.contents(atPath: spool + "/ledger/ledger.json"))
                let json = try JSONSerialization.jsonObject(with: ledger) as? [String: Any]
                let settled = json?["settled"] as? [String: [String: Any]] ?? [:]
                #expect(settled.count == 12)
                var perDay: [String: Double] = [:]
                for entry in settled.values { perDay[entry["day"] as? String ?? "?", default: 0] += entry["usd"] as? Double ?? 0 }
                #expect(abs((perDay["2026-11-30"] ?? 0) - 0.08) < 1e-9 && abs((perDay["2026-12-01"] ?? 0) - 0.08) < 1e-9,
                        "\(perDay)")
                #expect((json?["reserved"] as? [Any])?.isEmpty == true)
                let spend = try TestKit.run(["spend", "--json"], env: env)
                let report = try JSONSerialization.jsonObject(with: Data(spend.output.utf8)) as? [String: Any]
                #expect(abs((report?["total_usd"] as? Double ?? 0) - 0.192) < 1e-9, "\(spend.output)")
            }
        }

        @Test("kill -9 while requests hold reservations: after a restart the ledger equals the folders' records, nothing phantom; a deleted ledger is rebuilt equal")
        func killedMidRequest() async throws {
            let base = try TestKit.makeTempDir("budget-kill")
            defer { TestKit.remove(base) }
            let spool = base + "/spool"
            try await FakeServer.with(["--api-key", "k", "--png-size", "256", "--serve-retired", "--delay-ms", "1500"]) { fake in
                try TestKit.run(["reindex"], env: TestKit.environment(spool: spool))
                let env = TestKit.environment(spool: spool, [
                    "AVATAR_IMAGE_PROVIDER": "openai", "OPENAI_BASE_URL": fake.openAIBase, "OPENAI_API_KEY": "k",
                    "OPENAI_IMAGE_MODEL": "dall-e-2", "AVATAR_BUDGET_DAILY_USD": "100"])
                try TestKit.drop(TaskFile.simple(id: "killed", count: 4), as: "killed.json", spool: spool)
                let first = try SpoolProcess(env: env, logPath: base + "/first.log")
                // Kill while image requests are in flight (each takes 1.5 s): reservations are held.
                #expect(await TestKit.waitUntil(timeout: 60) {
                    ((try? JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: spool + "/ledger/ledger.json")))
                        as? [String: Any])?["reserved"] as? [Any])?.isEmpty == false
                })
                first.kill()
                let second = try SpoolProcess(arguments: ["run", "--drain"], env: env, logPath: base + "/second.log")
                #expect(second.waitBlocking(timeout: 120))
                #expect(TestKit.list(spool + "/completed") == ["killed"])
                func ledger() throws -> [String: Any] {
                    try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: spool + "/ledger/ledger.json"))) as? [String: Any] ?? [:]
                }
                let settled = try ledger()["settled"] as? [String: [String: Any]] ?? [:]
                #expect((try ledger()["reserved"] as? [Any])?.isEmpty == true, "no phantom reservation")
                // The folders: four personas, a base and a grid each, 0.016 USD apiece.
                #expect(settled.count == 8, "\(settled.keys.sorted())")
                let total = settled.values.reduce(0.0) { $0 + ($1["usd"] as? Double ?? 0) }
                #expect(abs(total - 0.128) < 1e-9)
                let spend = try TestKit.run(["spend", "--json"], env: env)
                let report = try JSONSerialization.jsonObject(with: Data(spend.output.utf8)) as? [String: Any]
                #expect(abs((report?["total_usd"] as? Double ?? 0) - 0.128) < 1e-9, "\(spend.output)")
                // Lost: rebuilt from the folders, equal.
                try FileManager.default.removeItem(atPath: spool + "/ledger/ledger.json")
                _ = try TestKit.run(["status"], env: env)
                let rebuilt = try ledger()["settled"] as? [String: [String: Any]] ?? [:]
                #expect(Set(rebuilt.keys) == Set(settled.keys))
            }
        }
    }
}
