import Foundation
import Testing

/// The parent of every reliability suite: they start real processors (the
/// built binary) and so run one at a time, never beside each other.
@Suite(.serialized) enum Reliability {}

/// Helpers shared by the reliability suites: the built binary, a processor
/// subprocess, spool walks.
enum RS {
    static var root: String { ProcessSupport.packageRoot }
    static var binary: String { ProcessSupport.binary }

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
        try ProcessSupport.runToEnd(binary, args, environment: env)
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

    static func validTask(id: String, count: Int = 1, images: Bool = true) -> [UInt8] {
        Array("""
        {"task_id": "\(id)", "count": \(count), "persona": {"country": "DE"}, \
        "images": {"enabled": \(images), "size": "256x256"}}
        """.utf8)
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

/// A processor (`avatar-spool run ...`) running as a child process, its
/// stdout and stderr going to one log file.
final class ProcessorProcess: ChildProcess, @unchecked Sendable {
    var logPath: String { stderrPath }
    var log: String { stderr }

    init(arguments: [String] = ["run"], env: [String: String], logPath: String) throws {
        try super.init(arguments: arguments, environment: env, stdoutPath: logPath, stderrPath: logPath)
    }

    /// Sends `signal` and waits for the end.
    func kill(_ signal: Int32 = SIGKILL) {
        send(signal)
        process.waitUntilExit()
    }
}
