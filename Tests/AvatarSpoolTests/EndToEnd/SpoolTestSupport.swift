import Foundation
import Testing

/// The end-to-end tests run the built `avatar-spool` binary as separate
/// processes on a temporary spool. `scripts/test.sh` runs
/// `swift build --build-tests` first, which builds the executable too.
enum EndToEndBinary {
    /// `<package root>/.build/debug/avatar-spool`, the root derived from this file's path.
    static let path: String = {
        var url = URL(fileURLWithPath: #filePath)
        // Tests/AvatarSpoolTests/EndToEnd/SpoolTestSupport.swift → package root
        for _ in 0..<4 { url.deleteLastPathComponent() }
        return url.appendingPathComponent(".build/debug/avatar-spool").path
    }()
}

/// A unique temporary spool under /tmp, removed by `remove()`.
final class TempSpool: @unchecked Sendable {
    // Confinement: the mutable state (`processes`, `logCounter`) only under `lock`.
    let base: String
    let root: String
    private let lock = NSLock()
    private var processes: [SpoolProcess] = []
    private var logCounter = 0

    init(_ label: String = "e2e") throws {
        base = "/tmp/avatar-spool-\(label)-\(getpid())-\(UUID().uuidString.prefix(8).lowercased())"
        root = base + "/spool"
        try FileManager.default.createDirectory(atPath: base + "/staging", withIntermediateDirectories: true)
        for folder in ["pending", "tmp"] {
            try FileManager.default.createDirectory(atPath: root + "/" + folder, withIntermediateDirectories: true)
        }
    }

    /// Kills whatever is still running and deletes everything.
    func remove() {
        for p in lock.withLock({ processes }) where p.isRunning { p.kill() }
        for p in lock.withLock({ processes }) { _ = p.waitBlocking(timeout: 5) }
        try? FileManager.default.removeItem(atPath: base)
    }

    func path(_ relative: String) -> String { root + "/" + relative }
    var pending: String { path("pending") }
    var indexPath: String { path("index.sqlite") }

    /// The environment every child gets: the caller's, minus anything that
    /// could pick a remote provider or another spool, plus quick timings.
    func environment(_ extra: [String: String]) -> [String: String] {
        var env = ProcessInfo.processInfo.environment.filter { key, _ in
            !(key.hasPrefix("S3_") || key.hasPrefix("OPENAI_") || key.hasPrefix("FLOWISE_")
              || key.hasPrefix("AVATAR_") || ["WORKER_INTERVAL", "MULTITHREAD_FLOWISE", "IMAGE_CONCURRENCY",
                                               "TASK_CONCURRENCY"].contains(key))
        }
        env["AVATAR_SPOOL_DIR"] = root
        env["WORKER_INTERVAL"] = "0.5"
        env["AVATAR_SETTLE_SECONDS"] = "4" // the slow writer pauses 1 s between chunks; margin for a loaded machine
        env["AVATAR_GRACE"] = "5"
        for (k, v) in extra { env[k] = v }
        return env
    }

    /// Starts `avatar-spool <arguments>`; stdout and stderr go to files in the temp folder.
    func start(_ arguments: [String], env: [String: String] = [:], name: String? = nil) throws -> SpoolProcess {
        let n = lock.withLock { () -> Int in logCounter += 1; return logCounter }
        let label = "\(n)-\(name ?? arguments.first ?? "cmd")"
        let p = try SpoolProcess(binary: EndToEndBinary.path, arguments: arguments, environment: environment(env),
                                 stdoutPath: base + "/\(label).out", stderrPath: base + "/\(label).log")
        lock.withLock { processes.append(p) }
        return p
    }

    /// Runs a command to its end. - Returns: exit status, stdout, stderr.
    @discardableResult
    func runToEnd(_ arguments: [String], env: [String: String] = [:], timeout: Double = 60) async throws -> (status: Int32, out: String, err: String) {
        let p = try start(arguments, env: env)
        let status = try await p.waitForExit(timeout: timeout)
        return (status, p.stdout, p.stderr)
    }

    // MARK: dropping files

    /// Writes `bytes` outside pending/ (same file system), then renames it
    /// into pending/ in one step, as a careful user would.
    func dropByRename(_ bytes: [UInt8], as name: String) throws {
        let staged = base + "/staging/" + name
        try Data(bytes).write(to: URL(fileURLWithPath: staged))
        guard rename(staged, pending + "/" + name) == 0 else {
            throw SpoolTestError("rename into pending/\(name) failed: errno \(errno)")
        }
    }

    /// Writes a file for a later `submit` (not into the spool).
    func stage(_ bytes: [UInt8], as name: String) throws -> String {
        let staged = base + "/staging/" + name
        try Data(bytes).write(to: URL(fileURLWithPath: staged))
        return staged
    }

    // MARK: reading the spool

    func taskFolder(_ stage: String, _ id: String) -> String { path("\(stage)/\(id)") }

    func exists(_ relative: String) -> Bool { FileManager.default.fileExists(atPath: path(relative)) }

    func read(_ relative: String) -> [UInt8]? {
        (try? Data(contentsOf: URL(fileURLWithPath: path(relative)))).map { Array($0) }
    }

    /// Names in a spool folder (dot-files excluded), sorted.
    func list(_ relative: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: path(relative))) ?? [])
            .filter { !$0.hasPrefix(".") }.sorted()
    }

    /// A JSON object file of the spool, parsed.
    func json(_ relative: String) -> [String: Any]? {
        guard let bytes = read(relative) else { return nil }
        return try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any]
    }
}

/// One child process of the binary.
final class SpoolProcess: @unchecked Sendable {
    // Confinement: `process` is thread-safe for the calls used here; no other mutable state.
    let process: Process
    let stdoutPath: String
    let stderrPath: String

    init(binary: String, arguments: [String], environment: [String: String],
         stdoutPath: String, stderrPath: String) throws {
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw SpoolTestError("\(binary) is missing: run `swift build --build-tests` (scripts/test.sh does) first")
        }
        self.stdoutPath = stdoutPath
        self.stderrPath = stderrPath
        _ = FileManager.default.createFile(atPath: stdoutPath, contents: nil)
        _ = FileManager.default.createFile(atPath: stderrPath, contents: nil)
        process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        guard let out = FileHandle(forWritingAtPath: stdoutPath), let err = FileHandle(forWritingAtPath: stderrPath) else {
            throw SpoolTestError("cannot open \(stdoutPath) or \(stderrPath)")
        }
        // The child gets its own copies; ours are closed once it runs.
        defer {
            try? out.close()
            try? err.close()
        }
        process.standardOutput = out
        process.standardError = err
        try process.run()
    }

    var pid: Int32 { process.processIdentifier }
    var isRunning: Bool { process.isRunning }
    var stdout: String { (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? "" }
    /// The processor's log (it logs to stderr).
    var stderr: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }
    var logLines: [String] { stderr.split(separator: "\n").map(String.init) }

    /// SIGTERM: stop claiming, finish in-flight steps, exit 0.
    func terminate() { if process.isRunning { Foundation.kill(pid, SIGTERM) } }
    /// SIGKILL: die at once, as in a crash.
    func kill() { if process.isRunning { Foundation.kill(pid, SIGKILL) } }

    /// Waits for the process to end. - Returns: its exit status (or signal number).
    func waitForExit(timeout: Double) async throws -> Int32 {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning {
            if Date() > deadline {
                kill()
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

    /// SIGTERM, then waits; the processor must exit 0.
    func stop(timeout: Double = 30) async throws -> Int32 {
        terminate()
        return try await waitForExit(timeout: timeout)
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
    let deadline = Date().addingTimeInterval(timeout)
    while true {
        if try await condition() { return }
        if Date() > deadline {
            throw SpoolTestError("timed out after \(timeout)s waiting for: \(what)\n\(context())")
        }
        try await Task.sleep(for: .milliseconds(Int(interval * 1000)))
    }
}

/// Task files for the tests.
enum TaskFile {
    /// A small, quick task (builtin providers render 256x256 in milliseconds).
    static func json(id: String?, count: Int, size: String = "256x256", country: String? = nil) -> [UInt8] {
        var fields: [String] = []
        if let id { fields.append("\"task_id\": \"\(id)\"") }
        fields.append("\"count\": \(count)")
        if let country { fields.append("\"persona\": {\"country\": \"\(country)\"}") }
        fields.append("\"images\": {\"enabled\": true, \"size\": \"\(size)\", \"style\": \"natural smartphone selfie\"}")
        return Array(("{\n  " + fields.joined(separator: ",\n  ") + "\n}\n").utf8)
    }
}

/// What the logs say about the seven steps.
enum StepLog {
    /// Lines of `Step k/7` keyed by "task|First Last".
    static func count(step: Int, in logs: [String]) -> [String: Int] {
        var counts: [String: Int] = [:]
        let marker = "] Step \(step)/7:"
        for log in logs {
            for line in log.split(separator: "\n") where line.contains(marker) {
                guard let key = personaKey(String(line)) else { continue }
                counts[key, default: 0] += 1
            }
        }
        return counts
    }

    /// All `Step k/7` lines (any k), keyed by "task|First Last".
    static func anyStep(in logs: [String]) -> [String: [Int]] {
        var steps: [String: [Int]] = [:]
        for log in logs {
            for line in log.split(separator: "\n") {
                guard let r = line.range(of: "] Step "), let key = personaKey(String(line)) else { continue }
                if let k = Int(String(line[r.upperBound...].prefix(1))) { steps[key, default: []].append(k) }
            }
        }
        return steps
    }

    /// "[Task <id>] [<First Last>] Step …" → "<id>|<First Last>".
    static func personaKey(_ line: String) -> String? {
        guard let t = line.range(of: "[Task ") else { return nil }
        let rest = line[t.upperBound...]
        guard let close = rest.firstIndex(of: "]") else { return nil }
        let id = rest[..<close]
        let after = rest[rest.index(after: close)...]
        guard let open = after.range(of: " ["), let end = after[open.upperBound...].range(of: "] Step ") else { return nil }
        return "\(id)|\(after[open.upperBound..<end.lowerBound])"
    }
}

/// The files every finished persona has.
let personaFileNames = ["prompt.txt", "base.png", "grid.png", "image_0.png", "image_1.png", "image_2.png",
                        "image_3.png", "persona.json", "urls.json"]

extension TempSpool {
    /// "First Last" of persona 1…count of a task, from its persona.json files.
    func personaNames(_ stage: String, _ id: String, count: Int) -> [Int: String] {
        var names: [Int: String] = [:]
        for n in 1...count {
            if let p = json("\(stage)/\(id)/persona_\(n)/persona.json"),
               let first = p["firstname"] as? String, let last = p["lastname"] as? String {
                names[n] = "\(first) \(last)"
            }
        }
        return names
    }

    /// Which status folder holds task `id`, if any.
    func stage(of id: String) -> String? {
        ["generating-data", "data-generated", "generating-images", "completed", "failed"]
            .first { FileManager.default.fileExists(atPath: path("\($0)/\(id)")) }
    }

    /// Everything in the spool's status folders, for failure messages.
    func overview() -> String {
        ["pending", "generating-data", "data-generated", "generating-images", "completed", "failed"]
            .map { "\($0)/: \(list($0).joined(separator: " "))" }.joined(separator: "\n")
    }
}

/// All end-to-end tests, one at a time: they start processes and measure
/// what those do, so they must not compete for the machine's cores.
@Suite("EndToEnd", .serialized)
enum EndToEnd {}
