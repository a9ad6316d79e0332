import AvatarDomain
import AvatarPipeline
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
        /// Progress for people (StatusReport+Progress.swift).
        public var progress: TaskProgress?

        enum CodingKeys: String, CodingKey {
            case taskID = "task_id", status, done, failed, total, step, progress
        }
    }

    public var spool: String
    public var counts: [String: Int]
    public var active: [TaskLine]
    /// Held task files and folders (hold/).
    public var held: [String] = []

    public static func make(layout: SpoolLayout, parse: @escaping @Sendable ([UInt8]) -> TaskSpec?,
                            stallSeconds: Double = 3600) async -> StatusReport {
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
                var l = line(s)
                l.progress = TaskProgress(s, path: layout.taskPath(stage, id), stallSeconds: stallSeconds)
                active.append(l)
            }
        }
        var report = StatusReport(spool: layout.root, counts: counts, active: active)
        report.held = heldNames(layout)
        return report
    }

    static func line(_ s: TaskSnapshot) -> TaskLine {
        TaskLine(taskID: s.taskID, status: s.stage.rawValue, done: s.succeeded, failed: s.failed,
                 total: s.total, step: s.currentStep)
    }

    public var text: String { text(colour: false) }
}
