import CoreMetrics
import Foundation

/// What a look at the spool found: the gauges of the exposition and the
/// STATUS= line for systemd.
public struct SpoolCensus: Sendable, Equatable {
    /// Tasks per folder name ("pending", "generating-data", …, "hold").
    public var folders: [String: Int]
    public var oldestPendingAge: Double
    /// Ids of tasks with a live owner and no checkpoint for AVATAR_STALL_SECONDS.
    public var stalled: [String]
    public var personasDone: Int
    public var personasTotal: Int

    public init(folders: [String: Int] = [:], oldestPendingAge: Double = 0, stalled: [String] = [],
                personasDone: Int = 0, personasTotal: Int = 0) {
        self.folders = folders
        self.oldestPendingAge = oldestPendingAge
        self.stalled = stalled
        self.personasDone = personasDone
        self.personasTotal = personasTotal
    }

    public var statusLine: ServiceStatusLine {
        let working = ["generating-data", "data-generated", "generating-images"].reduce(0) { $0 + (folders[$1] ?? 0) }
        return ServiceStatusLine(pending: folders["pending"] ?? 0, working: working, personasDone: personasDone,
                                 personasTotal: personasTotal, completed: folders["completed"] ?? 0,
                                 failed: folders["failed"] ?? 0, held: folders["hold"] ?? 0, stalled: stalled.count)
    }

    /// Sets the spool gauges.
    public func record() {
        for (folder, count) in folders {
            Gauge(label: "avatar_spool_tasks", dimensions: [("folder", folder)]).record(count)
        }
        Gauge(label: "avatar_oldest_pending_age_seconds").record(oldestPendingAge)
        Gauge(label: "avatar_stalled_tasks").record(stalled.count)
    }
}

/// The counters the processor bumps when something finishes.
public enum ProcessorMetrics {
    public static func taskFinished(status: String, succeeded: Int, failed: Int, inputTokens: Int, outputTokens: Int) {
        Counter(label: "avatar_tasks_finished_total", dimensions: [("status", status)]).increment()
        if succeeded > 0 { Counter(label: "avatar_personas_finished_total", dimensions: [("outcome", "succeeded")]).increment(by: succeeded) }
        if failed > 0 { Counter(label: "avatar_personas_finished_total", dimensions: [("outcome", "failed")]).increment(by: failed) }
        if inputTokens > 0 { Counter(label: "avatar_tokens_total", dimensions: [("kind", "input")]).increment(by: inputTokens) }
        if outputTokens > 0 { Counter(label: "avatar_tokens_total", dimensions: [("kind", "output")]).increment(by: outputTokens) }
    }

    /// What the spool's ledger says was spent today (all processors), in US dollars.
    public static func spentToday(_ usd: Double) {
        Gauge(label: "avatar_spend_today_usd").record(usd)
    }

    public static func claimed(in duration: Duration) {
        Timer(label: "avatar_claim_duration_seconds").recordNanoseconds(
            duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000)
    }

    public static func hook(_ hook: String, succeeded: Bool) {
        Counter(label: "avatar_hooks_total", dimensions: [("hook", hook), ("outcome", succeeded ? "succeeded" : "failed")]).increment()
    }

    /// Zeroes so every family appears from the start (a scrape before the
    /// first task still shows them).
    public static func prime(startTime: Date = Date()) {
        Gauge(label: "avatar_processor_start_time_seconds").record(startTime.timeIntervalSince1970)
        for status in ["completed", "failed"] { Counter(label: "avatar_tasks_finished_total", dimensions: [("status", status)]).increment(by: 0) }
        for outcome in ["succeeded", "failed"] { Counter(label: "avatar_personas_finished_total", dimensions: [("outcome", outcome)]).increment(by: 0) }
        for kind in ["input", "output"] { Counter(label: "avatar_tokens_total", dimensions: [("kind", kind)]).increment(by: 0) }
    }
}
