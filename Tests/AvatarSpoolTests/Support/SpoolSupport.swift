import Foundation
import Testing

// The test kit's spools: the suites that run the built `avatar-spool`
// binary (Support/ProcessSupport.swift: SpoolProcess, the one process
// runner) on temporary spools. `TempSpool` is a spool as an object;
// `TestKit` the same jobs as functions of a spool's path.

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
        let p = try SpoolProcess(arguments: arguments, environment: environment(env),
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

    /// A one-line task of `count` personas from Germany, 256x256 images (or none).
    static func simple(id: String, count: Int = 1, images: Bool = true) -> [UInt8] {
        Array("""
        {"task_id": "\(id)", "count": \(count), "persona": {"country": "DE"}, \
        "images": {"enabled": \(images), "size": "256x256"}}
        """.utf8)
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

/// The kit's jobs on a spool given by its path (the reliability, service,
/// spend and S3 suites): a temp folder, a processor's environment, running
/// the binary, dropping a task, walking folders.
enum TestKit {
    static let stages = ["pending", "generating-data", "data-generated", "generating-images", "completed", "failed"]

    /// A fresh folder under /tmp (short: paths appear in messages).
    static func makeTempDir(_ tag: String) throws -> String {
        let path = "/tmp/as-\(tag)-\(UUID().uuidString.prefix(8).lowercased())"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func remove(_ path: String) { try? FileManager.default.removeItem(atPath: path) }

    /// The environment for a processor: only what the tests choose, plus PATH/HOME.
    static func environment(spool: String, _ extra: [String: String] = [:]) -> [String: String] {
        var env: [String: String] = [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
            "HOME": ProcessInfo.processInfo.environment["HOME"] ?? "/root",
            "AVATAR_SPOOL_DIR": spool,
            "WORKER_INTERVAL": "0.5",
            "AVATAR_SETTLE_SECONDS": "1",
        ]
        for (k, v) in extra { env[k] = v }
        return env
    }

    /// Runs the binary to its end; returns exit status and stdout+stderr.
    @discardableResult
    static func run(_ args: [String], env: [String: String]) throws -> (status: Int32, output: String) {
        try ProcessSupport.runToEnd(ProcessSupport.binary, args, environment: env)
    }

    /// Writes `text` into pending/ the way a careful client does: a temp name
    /// in tmp/, then one rename.
    static func drop(_ bytes: [UInt8], as name: String, spool: String) throws {
        let temp = spool + "/tmp/drop-" + UUID().uuidString
        try Data(bytes).write(to: URL(fileURLWithPath: temp))
        guard rename(temp, spool + "/pending/" + name) == 0 else {
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
        }
    }

    /// Entries of a folder (names), empty if missing.
    static func list(_ path: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted()
    }

    /// Every entry under `path`, never following a link: (relative path, lstat mode).
    static func walk(_ path: String) -> [(path: String, mode: mode_t)] {
        var out: [(String, mode_t)] = []
        func visit(_ rel: String) {
            let full = rel.isEmpty ? path : path + "/" + rel
            for name in list(full) {
                let r = rel.isEmpty ? name : rel + "/" + name
                var st = stat()
                guard lstat(path + "/" + r, &st) == 0 else { continue }
                out.append((r, st.st_mode))
                if (st.st_mode & S_IFMT) == S_IFDIR { visit(r) }
            }
        }
        visit("")
        return out
    }

    static func isRegular(_ mode: mode_t) -> Bool { (mode & S_IFMT) == S_IFREG }

    static func read(_ path: String) -> String? {
        (try? Data(contentsOf: URL(fileURLWithPath: path))).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Polls `condition` until it holds or `timeout` seconds pass.
    static func waitUntil(timeout: Double, poll: Double = 0.25, _ condition: () -> Bool) async -> Bool {
        (try? await ProcessSupport.poll(timeout: timeout, every: poll, condition)) ?? condition()
    }

    /// Counts the lines of `text` containing `needle`.
    static func count(_ needle: String, in text: String) -> Int {
        text.split(separator: "\n").filter { $0.contains(needle) }.count
    }
}

/// All end-to-end tests, one at a time: they start processes and measure
/// what those do, so they must not compete for the machine's cores.
@Suite("EndToEnd", .serialized)
enum EndToEnd {}

/// The parent of every reliability suite: they start real processors (the
/// built binary) and so run one at a time, never beside each other.
@Suite(.serialized) enum Reliability {}
