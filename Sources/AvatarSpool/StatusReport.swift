import AvatarDomain
import AvatarPipeline
import AvatarSpend
import AvatarSpoolEngine
import AvatarSystem
import AvatarTask
import Foundation

/// `status`: read from the folders (the truth), not the index.
public struct StatusReport: Codable, Sendable {
    public struct TaskLine: Codable, Sendable {
        public var taskID: String
        public var status: String
        public var done: Int
        public var failed: Int
        public var total: Int
        public var step: String

        enum CodingKeys: String, CodingKey {
            case taskID = "task_id", status, done, failed, total, step
        }
    }

    public var spool: String
    public var counts: [String: Int]
    public var active: [TaskLine]
    /// Money: today's spend, the budget, each task's cost (nil when images are free).
    public var spend: SpendStatus?

    public static func make(layout: SpoolLayout, parse: @escaping @Sendable ([UInt8]) -> TaskSpec?) async -> StatusReport {
        var counts: [String: Int] = [:]
        var active: [TaskLine] = []
        for stage in TaskStage.allCases {
            if stage == .pending {
                let names = ((try? Sys.listDirectory(layout.folder(.pending))) ?? []).filter(PendingName.isCandidate)
                counts[stage.rawValue] = names.count
                continue
            }
            let ids = layout.taskIDs(in: stage)
            counts[stage.rawValue] = ids.count
            guard !stage.isTerminal else { continue }
            for id in ids {
                guard let folder = try? TaskFolder.open(layout: layout, stage: stage, id: id),
                      let s = try? await TaskSnapshot.read(from: folder, parse: parse) else { continue }
                active.append(line(s))
            }
        }
        return StatusReport(spool: layout.root, counts: counts, active: active, spend: nil)
    }

    static func line(_ s: TaskSnapshot) -> TaskLine {
        TaskLine(taskID: s.taskID, status: s.stage.rawValue, done: s.succeeded, failed: s.failed,
                 total: s.total, step: s.currentStep)
    }

    public var text: String {
        var out = "spool \(spool)\n"
        for stage in TaskStage.allCases {
            out += "  \(stage.rawValue.padding(toLength: 18, withPad: " ", startingAt: 0)) \(counts[stage.rawValue] ?? 0)\n"
        }
        if !active.isEmpty {
            out += "\nin progress:\n"
            for t in active {
                out += "  \(t.taskID)  \(t.status)  personas \(t.done)/\(t.total) done"
                    + (t.failed > 0 ? ", \(t.failed) failed" : "") + "  (\(t.step))"
                    + (spend?.tasks[t.taskID].map { "  \(USD.text($0))" } ?? "") + "\n"
            }
        }
        if let spend { out += spend.text }
        return out
    }
}
