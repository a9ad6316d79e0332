import Foundation
import Testing

extension Reliability {
    /// Issue 5, liveness: four processors on one spool, 200 tasks, each
    /// processed exactly once.
    @Suite(.serialized) struct ConcurrencyTests {
        @Test func fourProcessorsProcessEachOfTwoHundredTasksExactlyOnce() async throws {
            #expect(FileManager.default.isExecutableFile(atPath: ProcessSupport.binary), "build first: swift build")
            let base = try TestKit.makeTempDir("four")
            defer { TestKit.remove(base) }
            let spool = base + "/spool"
            let started = Date()
            // Create the spool's folders, then start the four.
            try TestKit.run(["reindex"], env: TestKit.environment(spool: spool))
            let env = TestKit.environment(spool: spool, ["IMAGE_CONCURRENCY": "4", "TASK_CONCURRENCY": "8"])
            var procs: [SpoolProcess] = []
            defer { procs.forEach { $0.kill() } }
            for n in 1...4 {
                procs.append(try SpoolProcess(env: env, logPath: base + "/processor-\(n).log"))
            }
            #expect(await TestKit.waitUntil(timeout: 30) { procs.allSatisfy { $0.log.contains("processor started") } })

            // 200 tasks, all at once; half with images.
            let ids = (1...200).map { String(format: "four-%03d", $0) }
            for (n, id) in ids.enumerated() {
                try TestKit.drop(TaskFile.simple(id: id, images: n % 2 == 0), as: id + ".json", spool: spool)
            }
            let done = await TestKit.waitUntil(timeout: 100, poll: 0.5) {
                TestKit.list(spool + "/completed").count == ids.count
            }
            let elapsed = Date().timeIntervalSince(started)
            #expect(done, "only \(TestKit.list(spool + "/completed").count) of 200 completed after \(Int(elapsed)) s")
            let allRunning = procs.allSatisfy { $0.isRunning }
            #expect(allRunning)
            procs.forEach { $0.kill(SIGTERM) }

            #expect(TestKit.list(spool + "/completed") == ids)
            for stage in TestKit.stages where stage != "completed" {
                #expect(TestKit.list(spool + "/" + stage).isEmpty, "\(stage): \(TestKit.list(spool + "/" + stage))")
            }
            let logs = procs.map(\.log)
            let all = logs.joined(separator: "\n")
            var perProcessor = [Int](repeating: 0, count: 4)
            for (n, id) in ids.enumerated() {
                let tag = "[Task \(id)] "
                let lines = all.split(separator: "\n").filter { $0.contains(tag) }
                let claimed = lines.filter { $0.contains("claimed pending/") }.count
                let generated = lines.filter { $0.contains("persona 1/1 generated") }.count
                let base = lines.filter { $0.contains("Step 2/7") }.count
                let grid = lines.filter { $0.contains("Step 4/7") }.count
                #expect(claimed == 1, "\(id) claimed \(claimed) times")
                #expect(generated == 1, "\(id): persona data generated \(generated) times")
                #expect(base == (n % 2 == 0 ? 1 : 0), "\(id): \(base) base image requests")
                #expect(grid == (n % 2 == 0 ? 1 : 0), "\(id): \(grid) grid requests")
                for (k, log) in logs.enumerated() where log.contains(tag + "claimed") { perProcessor[k] += 1 }
            }
            print("four processors: 200 tasks in \(String(format: "%.1f", elapsed)) s, claimed per processor: \(perProcessor)")
            // A hang guard (about 20-30 s expected on 2 cores); speed is for `make bench`.
            #expect(elapsed < 300)
        }
    }
}
