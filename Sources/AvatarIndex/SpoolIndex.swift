import AvatarSystem
import Foundation
import GRDB

/// The derived SQLite index (WAL). The folders are the truth: every write
/// here replaces a task's rows with what its folder says, and `rebuild`
/// makes the whole index anew from the folders.
public final class SpoolIndex: Sendable {
    public let path: String
    let pool: DatabasePool

    /// Opens (creating and migrating) the index at `path`.
    /// - Throws: GRDB's `DatabaseError` when SQLite cannot open or migrate it.
    public init(path: String) throws {
        self.path = path
        var config = Configuration()
        config.busyMode = .timeout(10)
        config.foreignKeysEnabled = true
        config.label = "avatar-spool.index"
        // SQLite creates a new database 0644 whatever the umask allows (and
        // its -wal/-shm files copy that mode): create it 0666 & ~umask
        // ourselves, so that --umask 002 gives a group-writable index.
        try? Sys.openOwned(path, O_RDWR | O_CREAT | O_NOFOLLOW, 0o666).close()
        pool = try DatabasePool(path: path, configuration: config)
        try IndexSchema.migrator.migrate(pool)
    }

    /// Whether `error` says the file is not a database or is damaged: the
    /// index is derived, so such a file is moved aside and rebuilt.
    public static func isCorruption(_ error: Error) -> Bool {
        guard let e = error as? DatabaseError else { return false }
        return [ResultCode.SQLITE_NOTADB, .SQLITE_CORRUPT].contains(e.resultCode)
    }

    /// Renames a damaged index (and its -wal and -shm files) to
    /// `<path>.corrupt-<UTC time>`, kept for a post-mortem.
    /// - Returns: the new path; nil when another process moved it first.
    /// - Throws: `SystemError` from rename(2) other than ENOENT.
    public static func moveAside(_ path: String, now: Date = Date()) throws -> String? {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        let aside = path + ".corrupt-" + f.string(from: now)
        do {
            try Sys.renameat(AT_FDCWD, path, AT_FDCWD, aside)
        } catch let e as SystemError where e.errno == ENOENT {
            return nil
        }
        for suffix in ["-wal", "-shm"] { try? Sys.renameat(AT_FDCWD, path + suffix, AT_FDCWD, aside + suffix) }
        return aside
    }

    /// True when the index file is gone from disk (deleted while we run).
    public var isDeleted: Bool { !FileManager.default.fileExists(atPath: path) }

    /// Replaces one task's rows.
    public func sync(_ task: IndexedTask) async throws {
        try await pool.write { db in try Self.upsert(task, db) }
    }

    /// Replaces every row with `tasks` (reindex).
    public func rebuild(_ tasks: [IndexedTask]) async throws {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM generation_results; DELETE FROM generation_tasks;")
            for task in tasks { try Self.upsert(task, db) }
        }
    }

    /// task_id → status for every indexed task.
    public func statuses() async throws -> [String: String] {
        try await pool.read { db in
            var out: [String: String] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT task_id, status FROM generation_tasks") {
                out[row["task_id"]] = row["status"]
            }
            return out
        }
    }

    /// Removes tasks (and their results) whose folders are gone.
    public func delete(taskIDs: [String]) async throws {
        guard !taskIDs.isEmpty else { return }
        try await pool.write { db in
            for id in taskIDs {
                try db.execute(sql: "DELETE FROM generation_tasks WHERE task_id = ?", arguments: [id])
            }
        }
    }

    static func timestamp(_ date: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyy-MM-dd HH:mm:ss"
        return f.string(from: date)
    }

    /// One persona row: `?` for every value (the times come as text, like the tasks').
    static let resultsUpsert = IndexColumns.resultsUpsert(
        values: Array(repeating: "?", count: IndexColumns.results.count + IndexColumns.resultsTail.count))

    private static func upsert(_ t: IndexedTask, _ db: Database) throws {
        let now = timestamp(Date())
        try db.execute(sql: """
            INSERT INTO generation_tasks (task_id, status, count, persona_params, image_params,
                completed_personas, failed_personas, current_step, error_log, created_at, updated_at, cost_usd)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(task_id) DO UPDATE SET status = excluded.status, count = excluded.count,
                persona_params = excluded.persona_params, image_params = excluded.image_params,
                completed_personas = excluded.completed_personas, failed_personas = excluded.failed_personas,
                current_step = excluded.current_step, error_log = excluded.error_log,
                created_at = excluded.created_at, updated_at = excluded.updated_at, cost_usd = excluded.cost_usd
            """, arguments: [t.taskID, t.status, t.count, t.personaParams, t.imageParams, t.completedPersonas,
                             t.failedPersonas, t.currentStep, t.errorLog, timestamp(t.createdAt), now, t.costUSD])
        guard let rowID = try Int64.fetchOne(db, sql: "SELECT id FROM generation_tasks WHERE task_id = ?",
                                             arguments: [t.taskID]) else { return }
        let keep = t.results.map(\.personaIndex)
        try db.execute(sql: "DELETE FROM generation_results WHERE task_id = ? AND persona_index NOT IN (\(keep.map(String.init).joined(separator: ",")))",
                       arguments: [rowID])
        for r in t.results {
            let urls = (0..<4).map { $0 < r.imageURLs.count ? r.imageURLs[$0] : nil }
            let thumbs = (0..<4).map { $0 < r.thumbURLs.count ? r.thumbURLs[$0] : nil }
            let args: [(any DatabaseValueConvertible)?] = [
                rowID, r.personaIndex, r.firstname, r.lastname, r.gender, r.age, r.country, r.city,
                r.occupation, r.bio, r.imagePrompt, r.status, r.error, r.baseImageURL,
                urls[0], urls[1], urls[2], urls[3], r.baseThumbURL, thumbs[0], thumbs[1], thumbs[2], thumbs[3], now, now,
                r.costUSD,
            ]
            try db.execute(sql: Self.resultsUpsert, arguments: StatementArguments(args))
        }
    }

    /// Every task with its results, ordered, without the update times:
    /// what `reindex` must reproduce (used by tests and `status --json`).
    public func dump() async throws -> [[String: String]] {
        try await pool.read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT t.task_id, t.status, t.count, t.completed_personas, t.failed_personas, t.error_log,
                       t.cost_usd AS task_cost_usd, r.cost_usd,
                       r.persona_index, r.firstname, r.lastname, r.status AS persona_status, r.error,
                       r.base_image_url, r.image_1_url, r.image_2_url, r.image_3_url, r.image_4_url,
                       r.base_thumb_url, r.thumb_1_url, r.thumb_2_url, r.thumb_3_url, r.thumb_4_url
                FROM generation_tasks t LEFT JOIN generation_results r ON r.task_id = t.id
                ORDER BY t.task_id, r.persona_index
                """)
            return rows.map(Self.strings)
        }
    }

    /// Runs a read-only SQL query (tests, operators' checks).
    public func query(_ sql: String, _ arguments: [String] = []) async throws -> [[String: String]] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments)).map(Self.strings)
        }
    }

    /// A row as column → text ("NULL" for null).
    static func strings(_ row: Row) -> [String: String] {
        var d: [String: String] = [:]
        for (column, value) in row {
            switch value.storage {
            case .null: d[column] = "NULL"
            case .int64(let i): d[column] = String(i)
            case .double(let x): d[column] = String(x)
            case .string(let s): d[column] = s
            case .blob(let b): d[column] = "<\(b.count) bytes>"
            }
        }
        return d
    }
}
