import AvatarSystem
import Foundation

/// A fake written in Python (Tests/fakes/) running as a real server on
/// 127.0.0.1: started, its port read from the "PORT <n>" line it prints
/// first, stopped with SIGKILL. The script also exits when our end of its
/// stdin closes, so a crashed test run leaves nothing behind.
struct PythonFake: Sendable {
    let port: Int
    let process: Process
    /// Keeps the script's stdin open for its lifetime.
    let stdin: Pipe

    /// Starts `Tests/fakes/<script>` with `arguments` and waits for its port.
    static func start(_ script: String, _ arguments: [String] = []) async throws -> PythonFake {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", ProcessSupport.packageRoot + "/Tests/fakes/" + script] + arguments
        let out = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardInput = input
        try process.run()
        let handle = out.fileHandleForReading
        // Reading blocks: do it on a dedicated thread, not the cooperative pool.
        let line = await BlockingPool.shared.run { () -> String in
            var bytes: [UInt8] = []
            while true {
                let chunk = handle.readData(ofLength: 1)
                if chunk.isEmpty || chunk.first == 10 { break }
                bytes.append(chunk.first!)
            }
            return String(decoding: bytes, as: UTF8.self)
        }
        guard line.hasPrefix("PORT "), let port = Int(line.dropFirst(5)) else {
            process.terminate()
            throw SpoolTestError("\(script) did not print its port (got \(line.debugDescription))")
        }
        return PythonFake(port: port, process: process, stdin: input)
    }

    /// Kills the fake (SIGKILL, so a blocked signal mask cannot stop it) and
    /// does not wait: waiting would block the cooperative pool.
    func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        try? stdin.fileHandleForWriting.close()
    }
}
