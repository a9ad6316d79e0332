import Foundation
import Testing

extension Reliability {
    /// The short variant of scripts/torture.sh (issue 5, crashes): a few
    /// tasks, a few kill -9s, the same checks. The script prints its figures.
    @Suite(.serialized) struct CrashTortureTests {
        @Test func killNineAtRandomMomentsLosesNothingAndPaysNothingTwice() throws {
            #expect(FileManager.default.isExecutableFile(atPath: ProcessSupport.binary), "build first: swift build")
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/bin/bash")
            p.arguments = [ProcessSupport.packageRoot + "/scripts/torture.sh"]
            var env = ProcessInfo.processInfo.environment
            env["TORTURE_TASKS"] = "4"
            env["TORTURE_KILLS"] = "6"
            env["TORTURE_PERSONAS"] = "3"
            env["TORTURE_DELAY_MS"] = "500"
            env["TORTURE_MIN_SLEEP"] = "0.2"
            env["TORTURE_MAX_SLEEP"] = "1.2"
            env["IMAGE_CONCURRENCY"] = "2"
            env["AVATAR_SPOOL_BIN"] = ProcessSupport.binary
            env.removeValue(forKey: "TORTURE_DIR")
            p.environment = env
            let pipe = Pipe()
            p.standardOutput = pipe
            p.standardError = pipe
            try p.run()
            let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            p.waitUntilExit()
            print(output)
            #expect(p.terminationStatus == 0, "torture failed:\n\(output)")
            #expect(output.contains("kills survived:            6 of 6"), "\(output)")
            #expect(output.contains("all checks passed"))
        }
    }
}
