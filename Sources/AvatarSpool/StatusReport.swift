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
    /// Claims sitting in tmp/ (a stranded one is moved on by a running processor's rescan).
    public var claims: [ClaimInfo]
    /// What could not be read: a missing spool, an unreadable folder. Not
    /// empty means the counts are not the whole truth (`status` prints them
    /// to stderr and exits 1).
    public var problems: [String]
    /// Money: today's spend, the budget, each task's cost (nil when images are free).
    public var spend: SpendStatus?
    /// Whether the index agrees with the folders (IndexState.swift).
    public var index: IndexState?

    public static func make(layout: SpoolLayout, parse: @escaping @Sendable ([UInt8]) -> TaskSpec?,
                            stallSeconds: Double = 3600) async -> StatusReport {
        var counts: [String: Int] = [:]
        var active: [TaskLine] = []
        var problems: [String] = []
        guard (try? Sys.lstatat(AT_FDCWD, layout.root)) != nil else {
            problems.append("there is no spool at \(layout.root): check --spool or AVATAR_SPOOL_DIR (`avatar-spool submit` or `run` create one)")
            return StatusReport(spool: layout.root, counts: counts, active: active, claims: [], problems: problems)
        }
        /// Names in a status folder; a folder that is missing counts as empty,
        /// one that cannot be read is a problem.
        func names(_ stage: TaskStage) -> [String] {
            do {
                return try Sys.listDirectory(layout.folder(stage)).filter { !$0.hasPrefix(".") }.sorted()
            } catch let e as SystemError where e.errno == ENOENT {
                return []
            } catch {
                problems.append("cannot read \(layout.folder(stage)): \(error); its tasks are not counted")
                return []
            }
        }
        for stage in TaskStage.allCases {
            if stage == .pending {
                counts[stage.rawValue] = names(.pending).filter(PendingName.isCandidate).count
                continue
            }
            let ids = names(stage)
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
        var report = StatusReport(spool: layout.root, counts: counts, active: active, claims: layout.claims(), problems: problems, spend: nil)
        report.held = heldNames(layout)
        return report
    }

    static func line(_ s: TaskSnapshot) -> TaskLine {
        TaskLine(taskID: s.taskID, status: s.stage.rawValue, done: s.succeeded, failed: s.failed,
                 total: s.total, step: s.currentStep)
    }

    public var text: String { text(colour: false) }
}
