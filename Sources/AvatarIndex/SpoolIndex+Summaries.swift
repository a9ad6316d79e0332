import Foundation
import GRDB

/// One task as the spool page lists it (one row of generation_tasks).
public struct TaskSummary: Sendable, Equatable {
    public var taskID: String
    public var status: String
    public var count: Int
    public var completed: Int
    public var failed: Int
    public var currentStep: String?
    public var createdAt: Date?
    /// cost_usd: what the task's image requests cost, when priced.
    public var costUSD: Double?
}

extension SpoolIndex {
    /// Every task, in one query (the spool page: 10 000 tasks in a few ms).
    public func summaries() async throws -> [TaskSummary] {
        try await pool.read { db in
            var out: [TaskSummary] = []
            let cursor = try Row.fetchCursor(db, sql: """
                SELECT task_id, status, count, completed_personas, failed_personas, current_step, created_at, cost_usd
                FROM generation_tasks
                """)
            while let row = try cursor.next() {
                let created: String? = row["created_at"]
                out.append(TaskSummary(taskID: row["task_id"], status: row["status"], count: row["count"],
                                       completed: row["completed_personas"], failed: row["failed_personas"],
                                       currentStep: row["current_step"], createdAt: created.flatMap(Self.parseTimestamp),
                                       costUSD: row["cost_usd"]))
            }
            return out
        }
    }

    /// Reads what `timestamp(_:)` writes ("2026-11-30 11:19:39", UTC) by
    /// hand: DateFormatter takes tens of microseconds a date, too slow for
    /// 10 000 rows a second.
    static func parseTimestamp(_ s: String) -> Date? {
        let b = Array(s.utf8)
        guard b.count >= 19 else { return nil }
        func num(_ r: Range<Int>) -> Int? {
            var n = 0
            for i in r {
                guard b[i] >= 48 && b[i] <= 57 else { return nil }
                n = n * 10 + Int(b[i] - 48)
            }
            return n
        }
        guard let y = num(0..<4), let m = num(5..<7), let d = num(8..<10), let hh = num(11..<13),
              let mm = num(14..<16), let ss = num(17..<19), (1...12).contains(m), (1...31).contains(d) else { return nil }
        // Days from 1970-01-01 to y-m-d (Howard Hinnant's days_from_civil).
        let yy = m <= 2 ? y - 1 : y
        let era = (yy >= 0 ? yy : yy - 399) / 400
        let yoe = yy - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146097 + doe - 719468
        return Date(timeIntervalSince1970: Double(days * 86400 + hh * 3600 + mm * 60 + ss))
    }
}
