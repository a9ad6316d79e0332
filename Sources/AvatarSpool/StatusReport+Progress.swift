import AvatarDomain
import AvatarPipeline
import AvatarSpend
import AvatarSpoolEngine
import AvatarSystem
import Foundation

/// One unfinished task's progress, for people and `--json`: personas
/// finished, the step most personas are at, age, an ETA from the rate seen
/// so far, and whether it is stalled (a live processor, no checkpoint for
/// AVATAR_STALL_SECONDS).
public struct TaskProgress: Codable, Sendable, Equatable {
    public var finished: Int
    public var total: Int
    /// The step (1–7) most unfinished personas are at next; nil in the data stage.
    public var commonStep: Int?
    public var ageSeconds: Int
    public var etaSeconds: Int?
    public var stalled: Bool
    public var lastCheckpointSeconds: Int?

    enum CodingKeys: String, CodingKey {
        case finished, total, commonStep = "common_step", ageSeconds = "age_seconds", etaSeconds = "eta_seconds"
        case stalled, lastCheckpointSeconds = "seconds_since_checkpoint"
    }

    init(_ s: TaskSnapshot, path: String, stallSeconds: Double, now: Date = Date()) {
        finished = s.succeeded + s.failed
        total = s.total
        let steps = s.personas.filter { $0.state == .inProgress && $0.nextStep >= 1 && $0.nextStep <= 7 }.map(\.nextStep)
        let counts = Dictionary(grouping: steps, by: { $0 }).mapValues(\.count)
        commonStep = counts.max { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }?.key
        let age = max(0, now.timeIntervalSince(s.createdAt))
        ageSeconds = Int(age)
        etaSeconds = finished > 0 && finished < total ? Int(age / Double(finished) * Double(total - finished)) : nil
        let last = StallCheck.lastCheckpoint(path: path)
        lastCheckpointSeconds = last.map { Int(now.timeIntervalSince($0)) }
        stalled = StallCheck.isStalled(path: path, stallSeconds: stallSeconds, now: now)
    }

    /// "[#######-----] 7/12 personas"
    public var bar: String {
        let width = 20
        let filled = total > 0 ? min(width, finished * width / total) : 0
        return "[" + String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled) + "] \(finished)/\(total) personas"
    }

    static let stepNames = [1: "image prompt", 2: "base image", 3: "upload base", 4: "variation grid",
                            5: "split grid", 6: "upload images", 7: "record URLs"]

    /// "4h 5m", "12m 3s", "40s".
    static func duration(_ seconds: Int) -> String {
        if seconds >= 86400 { return "\(seconds / 86400)d \(seconds % 86400 / 3600)h" }
        if seconds >= 3600 { return "\(seconds / 3600)h \(seconds % 3600 / 60)m" }
        if seconds >= 60 { return "\(seconds / 60)m \(seconds % 60)s" }
        return "\(seconds)s"
    }
}

extension StatusReport {
    static func heldNames(_ layout: SpoolLayout) -> [String] {
        ((try? Sys.listDirectory(layout.root + "/hold")) ?? []).filter { !$0.hasPrefix(".") }.sorted()
    }

    /// For people: the counts, then per unfinished task a progress bar, the
    /// step most personas are at, age and ETA, stalled tasks marked. ANSI
    /// colour only when `colour` (a terminal without NO_COLOR).
    public func text(colour: Bool) -> String {
        func paint(_ text: String, _ code: String) -> String { colour ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }
        var out = "spool \(spool)\n"
        for stage in TaskStage.allCases {
            out += "  \(stage.rawValue.padding(toLength: 18, withPad: " ", startingAt: 0)) \(counts[stage.rawValue] ?? 0)\n"
        }
        if !held.isEmpty { out += "  \("hold".padding(toLength: 18, withPad: " ", startingAt: 0)) \(held.count)\n" }
        if !claims.isEmpty {
            out += "  \("tmp/ (claims)".padding(toLength: 18, withPad: " ", startingAt: 0)) \(claims.count)\n"
        }
        if !active.isEmpty {
            out += "\nin progress:\n"
            for t in active {
                let cost = spend?.tasks[t.taskID].map { USD.text($0) }
                guard let p = t.progress else {
                    out += "  \(t.taskID)  \(t.status)  personas \(t.done)/\(t.total) done"
                        + (t.failed > 0 ? ", \(t.failed) failed" : "") + "  (\(t.step))"
                        + (cost.map { "  \($0)" } ?? "") + "\n"
                    continue
                }
                var parts = ["  \(paint(t.taskID, "1"))  \(t.status)  \(p.bar)"]
                if t.failed > 0 { parts.append(paint("\(t.failed) failed", "31")) }
                if let step = p.commonStep {
                    parts.append("most at step \(step)/7 (\(TaskProgress.stepNames[step] ?? "?"))")
                } else {
                    parts.append(t.step)
                }
                parts.append("age \(TaskProgress.duration(p.ageSeconds))")
                if let eta = p.etaSeconds { parts.append("ETA \(TaskProgress.duration(eta))") }
                if p.stalled {
                    parts.append(paint("STALLED: no checkpoint for \(TaskProgress.duration(p.lastCheckpointSeconds ?? 0))", "33;1"))
                }
                if let cost { parts.append(cost) }
                out += parts.joined(separator: "  ") + "\n"
            }
        }
        if !held.isEmpty { out += "\nheld: " + held.joined(separator: ", ") + "\n" }
        let stranded = claims.filter { !$0.live }
        if !stranded.isEmpty {
            out += "\nclaimed but not moved on (a running processor tries again at every rescan):\n"
            for c in stranded { out += "  tmp/\(c.folder)/  from pending/\(c.file)\n" }
        }
        if let spend { out += spend.text }
        if let index { out += "\n" + index.text }
        return out
    }
}
