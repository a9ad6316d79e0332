import Foundation
import Testing

/// The PostgreSQL that scripts/test.sh starts (scripts/postgres.sh) and
/// announces in AVATAR_TEST_PG_URL; each test works in its own database.
enum TestPostgres {
    static var url: String? { ProcessInfo.processInfo.environment["AVATAR_TEST_PG_URL"].flatMap { $0.isEmpty ? nil : $0 } }
    static let skipReason: Comment = "AVATAR_TEST_PG_URL is not set: run the tests with scripts/test.sh (`make test`), which starts PostgreSQL"
    static let script = ProcessSupport.packageRoot + "/scripts/postgres.sh"
    static let psqlPath = "/usr/bin/psql"

    /// `base` with its database name replaced by `name`.
    static func url(_ base: String, database name: String) -> String {
        let path = base.range(of: "/", options: .backwards)!
        return String(base[..<path.lowerBound]) + "/" + name
    }

    /// A fresh, empty database on the server at `base` (default: the shared one).
    /// - Returns: its URL.
    static func database(_ label: String, on base: String? = nil) throws -> String {
        guard let base = base ?? url else { throw SpoolTestError("\(skipReason)") }
        let name = "t_\(label)_\(getpid())_\(UUID().uuidString.prefix(8).lowercased())"
            .replacingOccurrences(of: "-", with: "_")
        try psql(base, "CREATE DATABASE \(name)")
        return url(base, database: name)
    }

    /// Runs `sql` through psql (unaligned, tuples only, stop at the first error).
    /// - Returns: psql's output. - Throws: when psql exits non-zero.
    @discardableResult
    static func psql(_ url: String, _ sql: String) throws -> String {
        let r = try ProcessSupport.runToEnd(psqlPath, ["-X", "-A", "-t", "-q", "-v", "ON_ERROR_STOP=1", url, "-c", sql])
        guard r.status == 0 else { throw SpoolTestError("psql failed (\(r.status)) on \(sql):\n\(r.output)") }
        return r.output
    }
}

/// A server of a test's own (one the test may stop and start), in a temp folder.
final class OwnPostgres: @unchecked Sendable {
    // Confinement: immutable after init.
    let dir: String
    let url: String

    init() throws {
        dir = "/tmp/avatar-pg-own-\(getpid())-\(UUID().uuidString.prefix(8).lowercased())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        url = try Self.start(dir)
    }

    @discardableResult
    static func start(_ dir: String) throws -> String {
        let output = try script("start", dir)
        guard let line = output.split(separator: "\n").last(where: { $0.hasPrefix("PG_URL=") }) else {
            throw SpoolTestError("scripts/postgres.sh start printed no PG_URL:\n\(output)")
        }
        return String(line.dropFirst("PG_URL=".count))
    }

    func start() throws { try Self.start(dir) }

    func stop() throws { try Self.script("stop", dir) }

    /// Runs scripts/postgres.sh with system(3), its output in DIR/script.log.
    /// (Foundation's `Process` left the script a zombie once the server it
    /// started outlived it, and never returned; system(3) waits by itself.)
    @discardableResult
    static func script(_ command: String, _ dir: String) throws -> String {
        let log = dir + "/script.log"
        try? FileManager.default.removeItem(atPath: log)
        let status = system("/bin/bash '\(TestPostgres.script)' \(command) '\(dir)' >'\(log)' 2>&1 </dev/null")
        let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        guard status == 0 else { throw SpoolTestError("scripts/postgres.sh \(command) failed (\(status)):\n\(output)") }
        return output
    }

    func remove() {
        try? stop()
        try? FileManager.default.removeItem(atPath: dir)
    }
}
