import Foundation

/// `index.html` at the spool root: every task by status, with persona
/// counts, age and a link to its page; unfinished tasks with their
/// progress. Built from the index in one query, so 10 000 tasks stay fast.
public struct SpoolPage: Sendable {
    public struct Row: Sendable {
        public var taskID: String
        /// The status folder's name ("completed", "generating-images", …).
        public var status: String
        public var count: Int
        public var done: Int
        public var failed: Int
        /// "images 3/10, next step 4/7" (unfinished tasks).
        public var step: String?
        public var createdAt: Date?
        /// What the task cost so far, when priced.
        public var costUSD: Double?

        public init(taskID: String, status: String, count: Int, done: Int, failed: Int, step: String?, createdAt: Date?,
                    costUSD: Double? = nil) {
            self.costUSD = costUSD
            self.taskID = taskID
            self.status = status
            self.count = count
            self.done = done
            self.failed = failed
            self.step = step
            self.createdAt = createdAt
        }
    }

    /// Status folders in the order shown: work in progress first.
    public static let order = ["generating-images", "generating-data", "data-generated", "completed", "failed"]
    /// Rows shown per status (newest first); beyond that the section says how
    /// many more there are. Keeps 10 000 tasks well under 2 MB whatever the id lengths.
    public static let maxRowsPerStatus = 5000

    public var spool: String
    /// Files waiting in pending/ (not tasks yet: no rows).
    public var pending: Int
    public var rows: [Row]
    public var generatedAt: Date

    public init(spool: String, pending: Int, rows: [Row], generatedAt: Date = Date()) {
        self.spool = spool
        self.pending = pending
        self.rows = rows
        self.generatedAt = generatedAt
    }

    public func render() -> String {
        let e = HTML.escape
        var groups: [String: [Row]] = [:]
        for r in rows { groups[r.status, default: []].append(r) }
        var out = HTML.head(title: "avatar-spool: \(rows.count) tasks")
        out.reserveCapacity(rows.count * 110 + 8192)
        out += "<body><main>\n<h1>avatar-spool</h1>\n"
        out += "<p class=\"muted\">\(e(spool)) · written \(e(TaskPage.time(generatedAt)))</p>\n<ul class=\"counts\">"
        out += "<li>pending <b>\(pending)</b></li>"
        for s in Self.order { out += "<li>\(s) <b>\(groups[s]?.count ?? 0)</b></li>" }
        out += "</ul>\n"
        for status in Self.order {
            guard var list = groups[status], !list.isEmpty else { continue }
            list.sort { ($0.createdAt ?? .distantPast, $1.taskID) > ($1.createdAt ?? .distantPast, $0.taskID) }
            let unfinished = status != "completed" && status != "failed"
            out += "<h2 id=\"\(status)\">\(status) (\(list.count))</h2>\n<table>\n<tr><th>task</th><th class=\"n\">personas</th>"
            out += unfinished ? "<th>progress</th>" : "<th class=\"n\">failed</th>"
            out += "<th class=\"n opt\">cost</th><th class=\"n opt\">age</th></tr>\n"
            for r in list.prefix(Self.maxRowsPerStatus) {
                // A finished task links to its page; an unfinished one to its folder.
                let link = "\(status)/\(r.taskID)/" + (unfinished ? "" : "index.html")
                out += "<tr><td><a href=\"\(HTML.path(link))\">\(e(r.taskID))</a>"
                if unfinished {
                    out += "<td class=\"n\">\(r.done)/\(r.count)<td><progress max=\"\(max(1, r.count))\" value=\"\(r.done + r.failed)\"></progress> \(e(r.step ?? ""))"
                } else {
                    out += "<td class=\"n\">\(r.done)/\(r.count)<td class=\"n\">\(r.failed > 0 ? String(r.failed) : "")"
                }
                out += "<td class=\"n opt\">\(r.costUSD.map { String(format: "%.2f", $0) } ?? "")"
                out += "<td class=\"n opt\">\(Self.age(r.createdAt, now: generatedAt))</tr>\n"
            }
            out += "</table>\n"
            if list.count > Self.maxRowsPerStatus {
                out += "<p class=\"muted\">and \(list.count - Self.maxRowsPerStatus) older tasks in \(status)/ (avatar-spool export or the index lists them all)</p>\n"
            }
        }
        if rows.isEmpty { out += "<p>No tasks yet: drop a task file into pending/.</p>\n" }
        out += "</main></body>\n</html>\n"
        return out
    }

    /// "45 s", "12 min", "3 h", "9 d".
    static func age(_ date: Date?, now: Date) -> String {
        guard let date else { return "" }
        let s = max(0, Int(now.timeIntervalSince(date)))
        switch s {
        case ..<60: return "\(s) s"
        case ..<3600: return "\(s / 60) min"
        case ..<86400: return "\(s / 3600) h"
        default: return "\(s / 86400) d"
        }
    }
}
