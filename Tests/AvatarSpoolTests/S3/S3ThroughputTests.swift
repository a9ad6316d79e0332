import AvatarHTTP
import Foundation
import Testing
@testable import AvatarStorage

/// Upload throughput of one persona's five files (base.png, then image_0 …
/// image_3 in parallel, as steps 3 and 6 do). Runs only from
/// `scripts/s3_throughput.sh`, which sets AVATAR_S3_THROUGHPUT_DIR (the five
/// files) and AVATAR_S3_THROUGHPUT_OUT (where the result line goes).
@Suite(.serialized, .enabled(if: ProcessInfo.processInfo.environment["AVATAR_S3_THROUGHPUT_DIR"] != nil))
struct S3ThroughputTests {
    @Test("one persona's five files, uploaded round after round to fresh keys")
    func personaUploads() async throws {
        let env = ProcessInfo.processInfo.environment
        let dir = try #require(env["AVATAR_S3_THROUGHPUT_DIR"])
        let rounds = Int(env["AVATAR_S3_THROUGHPUT_ROUNDS"] ?? "") ?? 10
        let server = try SeaweedServer.shared.get()
        let store = S3Store(settings: S3Fixtures.settings(server), transport: makeS3TestTransport())
        let files = ["base.png", "image_0.png", "image_1.png", "image_2.png", "image_3.png"]
        let bytes = try files.reduce(Int64(0)) {
            $0 + ((try FileManager.default.attributesOfItem(atPath: dir + "/" + $1)[.size] as? Int64) ?? 0)
        }
        let task = "bench-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        var times: [Double] = []
        for round in 0...rounds {  // round 0 warms the connections up and is not counted
            let start = ContinuousClock.now
            _ = try await store.put(filePath: dir + "/base.png", key: S3Keys.key(taskID: task, persona: round, file: "base.png"),
                                    contentType: "image/png")
            try await withThrowingTaskGroup(of: String.self) { group in
                for file in files.dropFirst() {
                    group.addTask {
                        try await store.put(filePath: dir + "/" + file, key: S3Keys.key(taskID: task, persona: round, file: file),
                                            contentType: "image/png")
                    }
                }
                try await group.waitForAll()
            }
            let elapsed = ContinuousClock.now - start
            if round > 0 { times.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18) }
        }
        times.sort()
        let median = times[times.count / 2]
        let line = String(format: "avatar-spool S3Store: %d rounds, median %.1f ms per persona (5 files, %.2f MB), %.1f MB/s, %.1f files/s",
                          times.count, median * 1000, Double(bytes) / 1e6, Double(bytes) / 1e6 / median, 5 / median)
        print(line)
        if let out = env["AVATAR_S3_THROUGHPUT_OUT"] { try line.write(toFile: out, atomically: true, encoding: .utf8) }
    }
}
