import Foundation
import Testing

extension Reliability {
    /// Issues 5 and 14: a full disk. The spool lives on a small tmpfs; the
    /// task that fills it is paused, not failed (nothing is wrong with it),
    /// no file is left torn, the processor keeps running, and once there is
    /// room the same processor finishes the task.
    @Suite(.serialized) struct DiskFullTests {
        @Test("a full disk pauses the task with ENOSPC in the log, leaves no torn file, and the task completes once there is room")
        func diskFull() async throws {
            let base = try TestKit.makeTempDir("diskfull")
            defer { TestKit.remove(base) }
            let spool = base + "/spool"
            try FileManager.default.createDirectory(atPath: spool, withIntermediateDirectories: true)
            let mounted = Shell.run("/bin/mount", ["-t", "tmpfs", "-o", "size=2m", "tmpfs", spool])
            try #require(mounted.status == 0, "mounting a tmpfs needs root: \(mounted.output)")
            defer { _ = Shell.run("/bin/umount", ["-l", spool]) }

            let env = TestKit.environment(spool: spool, ["IMAGE_CONCURRENCY": "2"])
            try TestKit.run(["reindex"], env: env) // lays out the spool
            let p = try SpoolProcess(env: env, logPath: base + "/run.log")
            // 12 personas at 1024x1024 need far more than 2 MiB.
            try TestKit.drop(Array(#"{"task_id": "too-big", "count": 12, "images": {"size": "1024x1024"}}"#.utf8),
                        as: "too-big.json", spool: spool)
            #expect(await TestKit.waitUntil(timeout: 90) { p.log.contains("paused") }, "\(p.log)")
            #expect(p.isRunning)
            #expect(p.log.contains("No space left on device"), "\(p.log)")
            #expect(!TestKit.list(spool + "/failed").contains("too-big"), "a full disk failed the task")
            let torn = TestKit.walk(spool).filter { $0.path.contains(".tmp-") }
            #expect(torn.isEmpty, "half-written files: \(torn.map(\.path))")

            // Make room, as an operator would: the paused task goes on and completes.
            let grown = Shell.run("/bin/mount", ["-o", "remount,size=256m", spool])
            try #require(grown.status == 0, "\(grown.output)")
            #expect(await TestKit.waitUntil(timeout: 120) { TestKit.list(spool + "/completed").contains("too-big") }, "\(p.log)")
            p.kill(SIGTERM)
        }
    }
}

/// Runs a system command to its end.
enum Shell {
    static func run(_ path: String, _ args: [String]) -> (status: Int32, output: String) {
        do { return try ProcessSupport.runToEnd(path, args) } catch { return (-1, "\(error)") }
    }
}
