import Foundation

/// `avatar-spool spend`: money spent per day, per provider and model, and
/// per task, summed from the task folders' usage records.
public struct SpendReport: Sendable, Codable {
    public struct Line: Sendable, Codable, Equatable {
        public var key: String
        public var requests: Int
        public var costUSD: Double
        /// Requests whose model has no known price (their cost is not in `costUSD`).
        public var unpriced: Int

        enum CodingKeys: String, CodingKey { case key, requests, costUSD = "cost_usd", unpriced }
    }

    public var since: String?
    public var totalUSD: Double
    public var requests: Int
    public var unpriced: Int
    public var days: [Line]
    public var models: [Line]
    public var tasks: [Line]

    enum CodingKeys: String, CodingKey {
        case since, totalUSD = "total_usd", requests, unpriced, days, models, tasks
    }

    /// Sums `entries` on or after `since` (YYYY-MM-DD; nil = all). Records
    /// without a day count as "undated" and only when `since` is nil.
    public init(_ entries: [SpendEntry], since: String? = nil) {
        let kept = entries.filter { e in since.map { s in (e.day ?? "") >= s } ?? true }
        func lines(_ key: (SpendEntry) -> String) -> [Line] {
            Dictionary(grouping: kept, by: key).map { k, group in
                Line(key: k, requests: group.count, costUSD: PriceTable.micro(group.compactMap(\.costUSD).reduce(0, +)),
                     unpriced: group.filter { $0.costUSD == nil }.count)
            }.sorted { $0.key < $1.key }
        }
        self.since = since
        totalUSD = PriceTable.micro(kept.compactMap(\.costUSD).reduce(0, +))
        requests = kept.count
        unpriced = kept.filter { $0.costUSD == nil }.count
        days = lines { $0.day ?? "undated" }
        models = lines { "\($0.provider) \($0.model)" }
        tasks = lines { $0.taskID }
    }

    public var text: String {
        func table(_ title: String, _ lines: [Line]) -> String {
            guard !lines.isEmpty else { return "" }
            let width = max(title.count, lines.map(\.key.count).max() ?? 0)
            var out = "\(title.padding(toLength: width, withPad: " ", startingAt: 0))  requests        USD\n"
            for l in lines {
                out += l.key.padding(toLength: width, withPad: " ", startingAt: 0)
                    + String(format: "  %8d  %9.4f", l.requests, l.costUSD)
                    + (l.unpriced > 0 ? "  (+\(l.unpriced) unpriced)" : "") + "\n"
            }
            return out + "\n"
        }
        var out = "spent" + (since.map { " since \($0)" } ?? "") + ": "
            + String(format: "%.4f USD", totalUSD) + " in \(requests) image request\(requests == 1 ? "" : "s")"
            + (unpriced > 0 ? " (+\(unpriced) with no known price)" : "") + "\n\n"
        out += table("day", days) + table("provider model", models) + table("task", tasks)
        return out
    }
}
