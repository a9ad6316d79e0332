import Foundation

/// What the suites that run real processes share: where the package and
/// its built binary are, running a command to its end, a child process with
/// its output in files, and polling for a condition.
enum ProcessSupport {
    /// The package root: the first folder above this file with a Package.swift.
    static let packageRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url.path }
        }
        fatalError("Package.swift not found above \(#filePath)")
    }()

    /// `<package root>/.build/debug/avatar-spool`. `scripts/test.sh` runs
    /// `swift build --build-tests` first, which builds the executable too.
    static var binary: String { packageRoot + "/.build/debug/avatar-spool" }

    /// Runs `executable` to its end (`environment` nil: this process's).
    /// - Returns: exit status and stdout+stderr.
    /// - Throws: when it cannot be started.
    static func runToEnd(_ executable: String, _ arguments: [String],
                         environment: [String: String]? = nil) throws -> (status: Int32, output: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = arguments
        if let environment { p.environment = environment }
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// Polls `condition` every `interval` seconds until it holds or `timeout`
    /// seconds pass. - Returns: whether it held.
    static func poll(timeout: Double, every interval: Double,
                     _ condition: () async throws -> Bool) async throws -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if try await condition() { return true }
            if Date() > deadline { return false }
            try await Task.sleep(for: .milliseconds(Int(interval * 1000)))
        }
    }
}

/// The one process runner of the tests: a child process of the binary (or
/// `executable`), stdin from /dev/null, stdout and stderr into files (the
/// same file when the paths are equal). Killed, if still running, when released.
final class SpoolProcess: @unchecked Sendable {
    // Confinement: `process` is thread-safe for the calls used here; no other mutable state.
    let process = Process()
    let stdoutPath: String
    let stderrPath: String

    init(executable: String = ProcessSupport.binary, arguments: [String], environment: [String: String],
         stdoutPath: String, stderrPath: String) throws {
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw SpoolTestError("\(executable) is missing: run `swift build --build-tests` (scripts/test.sh does) first")
        }
        self.stdoutPath = stdoutPath
        self.stderrPath = stderrPath
        for path in Set([stdoutPath, stderrPath]) { _ = FileManager.default.createFile(atPath: path, contents: nil) }
        guard let out = FileHandle(forWritingAtPath: stdoutPath),
              let err = stderrPath == stdoutPath ? out : FileHandle(forWritingAtPath: stderrPath) else {
            throw SpoolTestError("cannot open \(stdoutPath) or \(stderrPath)")
        }
        // The child gets its own copies; ours are closed once it runs.
        defer {
            try? out.close()
            if err !== out { try? err.close() }
        }
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = out
        process.standardError = err
        try process.run()
    }

    /// A processor (`avatar-spool run` by default) whose stdout and stderr go to one log file.
    convenience init(arguments: [String] = ["run"], env: [String: String], logPath: String) throws {
        try self.init(arguments: arguments, environment: env, stdoutPath: logPath, stderrPath: logPath)
    }

    var pid: Int32 { process.processIdentifier }
    var isRunning: Bool { process.isRunning }
    var stdout: String { Self.read(stdoutPath) }
    /// The processor's log (it logs to stderr).
    var stderr: String { Self.read(stderrPath) }

    /// A file's text, invalid UTF-8 replaced; "" if unreadable.
    private static func read(_ path: String) -> String {
        (try? Data(contentsOf: URL(fileURLWithPath: path))).map { String(decoding: $0, as: UTF8.self) } ?? ""
    }

    /// The processor's log lines (it logs to stderr).
    var logLines: [String] { stderr.split(separator: "\n").map(String.init) }
    /// The log, for a processor started with one `logPath`.
    var log: String { stderr }
    var logPath: String { stderrPath }

    /// Sends `signal` if the process still runs.
    func send(_ signal: Int32) { if process.isRunning { Foundation.kill(pid, signal) } }

    /// SIGTERM: stop claiming, finish in-flight steps, exit 0.
    func terminate() { send(SIGTERM) }

    /// Sends `signal` (SIGKILL: die at once, as in a crash) and waits for the end.
    func kill(_ signal: Int32 = SIGKILL) {
        send(signal)
        process.waitUntilExit()
    }

    /// SIGTERM, then waits; the processor must exit 0.
    func stop(timeout: Double = 30) async throws -> Int32 {
        terminate()
        return try await waitForExit(timeout: timeout)
    }

    /// Waits for the process to end; on time-out kills it and throws with the log's end.
    /// - Returns: its exit status (or signal number).
    func waitForExit(timeout: Double) async throws -> Int32 {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning {
            if Date() > deadline {
                send(SIGKILL)
                throw SpoolTestError("avatar-spool \(process.arguments ?? []) still running after \(timeout)s; log:\n\(stderr.suffix(3000))")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        return process.terminationStatus
    }

    /// For clean-up paths that cannot await.
    func waitBlocking(timeout: Double) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        return !process.isRunning
    }

    deinit {
        if process.isRunning {
            Foundation.kill(pid, SIGKILL)
            process.waitUntilExit()
        }
    }
}

struct SpoolTestError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Polls `condition` until it holds or `timeout` seconds pass.
/// - Throws: `SpoolTestError` naming `what` (and `context()`) on time-out.
func waitUntil(_ what: String, timeout: Double = 60, every interval: Double = 0.05,
               context: () -> String = { "" }, _ condition: () async throws -> Bool) async throws {
    if try await ProcessSupport.poll(timeout: timeout, every: interval, condition) { return }
    throw SpoolTestError("timed out after \(timeout)s waiting for: \(what)\n\(context())")
}
