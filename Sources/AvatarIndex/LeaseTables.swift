import AvatarCrypto
import AvatarPostgres
import Foundation

/// The PostgreSQL side of leases (AVATAR_LEASES=postgres), beside the index
/// because index writes are fenced by it:
/// - a lease is a session-level advisory lock on `key(name)`, held on the
///   lease connection of one processor (AvatarLeases);
/// - `task_leases` holds each task's epoch, incremented at every takeover;
/// - `task_lease_events` records who acquired, released or lost which epoch
///   (for `status`, operators and the multi-host tests).
public enum LeaseTables {
    static let schema: [String] = [
        """
        CREATE TABLE IF NOT EXISTS task_leases (
            task_id TEXT PRIMARY KEY,
            epoch BIGINT NOT NULL,
            holder TEXT NOT NULL,
            acquired_at TIMESTAMPTZ NOT NULL
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS task_lease_events (
            task_id TEXT NOT NULL,
            epoch BIGINT NOT NULL,
            holder TEXT NOT NULL,
            event TEXT NOT NULL,
            at TIMESTAMPTZ NOT NULL
        )
        """,
        "CREATE INDEX IF NOT EXISTS task_lease_events_task ON task_lease_events(task_id, epoch)",
    ]

    /// v5: whether each task was given back cleanly, and each processor's
    /// last confirmed heartbeat in the server's clock with how long after it
    /// the processor trusts its leases (the next holder's wait).
    static let trust: [String] = [
        "ALTER TABLE task_leases ADD COLUMN IF NOT EXISTS released BOOLEAN NOT NULL DEFAULT false",
        """
        CREATE TABLE IF NOT EXISTS lease_holders (
            holder TEXT PRIMARY KEY,
            beat_at TIMESTAMPTZ NOT NULL,
            trust_ms BIGINT NOT NULL
        )
        """,
    ]

    /// Makes (or upgrades) every table, as the index connection does: the
    /// lease connection may be the first to reach a new database.
    public static func migrate(_ s: PGSession) throws { try PostgresSchema.migrate(s) }

    /// The advisory-lock key of a task or claim: the first 8 bytes of
    /// SHA-256("avatar-spool lease " + name), as a signed 64-bit integer
    /// (the text PostgreSQL's `bigint` takes). Collisions only make two
    /// names wait for each other.
    public static func key(_ name: String) -> Int64 {
        var h = SHA256()
        Array(("avatar-spool lease " + name).utf8).withUnsafeBytes { h.update($0) }
        let digest = (try? h.finalize()) ?? Array(repeating: 0, count: 8)
        return digest.prefix(8).reduce(Int64(0)) { ($0 << 8) | Int64($1) }
    }

    /// The key of a task's lease (OwnedName.task's description is "task <id>").
    public static func taskKey(_ id: String) -> Int64 { key("task " + id) }

    /// Records that `holder` is alive now (server clock) and trusts its
    /// leases for `trustMs` after this; a heartbeat, or part of a takeover.
    public static func beat(_ holder: String, trustMs: Int, _ s: PGSession) throws {
        try s.query("""
            INSERT INTO lease_holders (holder, beat_at, trust_ms) VALUES ($1, clock_timestamp(), $2::bigint)
            ON CONFLICT (holder) DO UPDATE SET beat_at = excluded.beat_at, trust_ms = excluded.trust_ms
            """, [holder, String(trustMs)], context: "lease heartbeat")
    }

    /// Takes the next epoch of `taskID` for `holder`; in the caller's transaction.
    /// - Returns: the new epoch (1 for a task never leased before) and how
    ///   long the new holder must wait before touching the task: when the
    ///   previous holder did not give it back, it may still trust its lease
    ///   (the server frees locks at once when a session is killed or the
    ///   server restarts) until its last heartbeat plus its trust, in the
    ///   server's clock.
    public static func takeEpoch(_ taskID: String, holder: String, trustMs: Int, _ s: PGSession) throws -> (epoch: Int64, waitMs: Int) {
        let context = "lease of task \(taskID)"
        let previous = try s.query("""
            SELECT greatest(0, ceil(extract(epoch FROM (h.beat_at + make_interval(secs => h.trust_ms / 1000.0)
                                                          - clock_timestamp())) * 1000))::bigint AS wait_ms
            FROM task_leases t JOIN lease_holders h ON h.holder = t.holder
            WHERE t.task_id = $1 AND NOT t.released AND t.holder <> $2
            """, [taskID, holder], context: context)
        let waitMs = (previous.first?["wait_ms"] ?? nil).flatMap { Int($0) } ?? 0
        let rows = try s.query("""
            INSERT INTO task_leases (task_id, epoch, holder, acquired_at, released) VALUES ($1, 1, $2, clock_timestamp(), false)
            ON CONFLICT (task_id) DO UPDATE SET epoch = task_leases.epoch + 1, holder = excluded.holder,
                acquired_at = excluded.acquired_at, released = false
            RETURNING epoch
            """, [taskID, holder], context: context)
        guard let text = rows.first?["epoch"] ?? nil, let epoch = Int64(text) else {
            throw PGError(.query, message: "no epoch returned", context: context)
        }
        try event(taskID, epoch: epoch, holder: holder, "acquired", s)
        try beat(holder, trustMs: trustMs, s)
        return (epoch, waitMs)
    }

    /// Marks the task given back cleanly by the holder of `epoch` (its next holder need not wait).
    public static func released(_ taskID: String, epoch: Int64, holder: String, _ s: PGSession) throws {
        try s.query("UPDATE task_leases SET released = true WHERE task_id = $1 AND epoch = $2::bigint",
                    [taskID, String(epoch)], context: "release of task \(taskID)")
        try event(taskID, epoch: epoch, holder: holder, "released", s)
    }

    /// Records a lease event; `at` nil is the server's clock.
    public static func event(_ taskID: String, epoch: Int64, holder: String, _ event: String, at: Date? = nil, _ s: PGSession) throws {
        try s.query("""
            INSERT INTO task_lease_events (task_id, epoch, holder, event, at)
            VALUES ($1, $2::bigint, $3, $4, coalesce(to_timestamp($5::double precision), clock_timestamp()))
            """, [taskID, String(epoch), holder, event, at.map { String($0.timeIntervalSince1970) }],
            context: "lease event of task \(taskID)")
    }

    /// task_id → epoch of every task ever leased.
    static func epochs(_ s: PGSession) throws -> [String: Int64] {
        var out: [String: Int64] = [:]
        for row in try s.query("SELECT task_id, epoch FROM task_leases", context: "read lease epochs") {
            if let id = row["task_id"] ?? nil, let e = (row["epoch"] ?? nil).flatMap({ Int64($0) }) { out[id] = e }
        }
        return out
    }

    /// The advisory keys held right now by any session.
    static func heldKeys(_ s: PGSession) throws -> Set<Int64> {
        // A bigint key shows as classid (high 32 bits) and objid (low 32), objsubid 1.
        let rows = try s.query("""
            SELECT ((classid::bigint << 32) | objid::bigint)::text AS key FROM pg_locks
            WHERE locktype = 'advisory' AND objsubid = 1 AND granted
            """, context: "read held leases")
        return Set(rows.compactMap { ($0["key"] ?? nil).flatMap { Int64($0) } })
    }
}

/// Under which condition an index write of one task may happen.
public enum IndexFence: Sendable, Equatable {
    /// No leases (one host): always.
    case none
    /// The writer (`holder`, "<node>:<pid>") holds the task's lease at this
    /// epoch: only while it is still the current one and the holder's last
    /// heartbeat is still trusted (checked in the write's transaction).
    case holder(epoch: Int64, holder: String)
    /// The writer does not hold it and read the folder when the epoch was
    /// this (nil: never leased): only if nobody took it since and nobody
    /// holds it now (a holder's own writes are the fresher ones).
    case observer(epoch: Int64?)
}

/// A holder's index write refused because another processor took the task.
public struct IndexFenced: Error, CustomStringConvertible, Sendable {
    public var taskID: String
    public var epoch: Int64
    public var current: Int64?
    public var description: String {
        "index write of task \(taskID) refused: this processor's lease epoch \(epoch) is no longer current (now \(current.map(String.init) ?? "none"))"
    }
}
