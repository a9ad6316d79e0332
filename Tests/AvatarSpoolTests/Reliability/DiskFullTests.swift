import Foundation
import Testing

extension Reliability {
    /// Issue 5: a full disk. The spool lives on a small tmpfs; the task that
    /// fills it fails with a clear error, no file is left torn, and the
    /// processor keeps serving other tasks once there is room again.
    @Suite(.serialized) struct DiskFullTests {
        @Test("a full disk fails the task with ENOSPC in error.json, leaves no torn file, and the processor goes on")
        func diskFull() async throws {
            let base = try RS.makeTempDir("diskfull")
            defer { RS.remove(base) }
            let spool = base + "/spool"
            try FileManager.default.createDirectory(atPath: spool, withIntermediateDirectories: true)
            let mounted = Shell.run("/bin/mount", ["-t", "tmpfs", "-o", "size=2m", "tmpfs", spool])
            try #require(mounted.status == 0, "mounting a tmpfs needs root: \(mounted.output)")
            defer { _ = Shell.run("/bin/umount", ["-l", spool]) }

            let env = RS.environment(spool: spool, ["IMAGE_CONCURRENCY": "2"])
            try RS.run(["reindex"], env: env) // lays out the spool
            let p = try ProcessorProcess(env: env, logPath: base + "/run.log")
            // 12 personas at 1024x1024 need far more than 2 MiB.
            try RS.drop(Array(#"{"task_id": "too-big", "count": 12, "images": {"size": "1024x1024"}}"#.utf8),
                        as: "too-big.json", spool: spool)
            #expect(await RS.waitUntil(timeout: 90) { RS.list(spool + "/failed").contains("too-big") }, "\(p.log)")
            #expect(p.isRunning)
            #expect(p.log.contains("No space left on device"), "\(p.log)")
            let torn = RS.walk(spool).filter { $0.path.contains(".tmp-") }
            #expect(torn.isEmpty, "half-written files: \(torn.map(\.path))")

            // Make room, as an operator would, and the next task completes.
            RS.remove(spool + "/failed/too-big")
            RS.remove(spool + "/objects")
            try RS.drop(RS.validTask(id: "small", images: false), as: "small.json", spool: spool)
            #expect(await RS.waitUntil(timeout: 60) { RS.list(spool + "/completed").contains("small") }, "\(p.log)")
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
