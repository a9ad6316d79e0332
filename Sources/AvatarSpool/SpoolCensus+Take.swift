import AvatarDomain
import AvatarPipeline
import AvatarService
import AvatarSpoolEngine
import AvatarSystem
import AvatarTask
import Foundation

extension SpoolCensus {
    /// Looks at the folders (the truth): tasks per folder, the oldest
    /// pending file, persona progress of unfinished tasks, stalled tasks.
    /// Blocking reads run on the I/O pool.
    static func take(layout: SpoolLayout, parse: @escaping @Sendable ([UInt8]) -> TaskSpec?,
                     stallSeconds: Double, now: Date = Date()) async -> SpoolCensus {
        let (folders, oldest, active) = await BlockingPool.shared.run { () -> ([String: Int], Double, [(TaskStage, String)]) in
            var folders: [String: Int] = [:]
            var oldest: Double = 0
            let names = ((try? Sys.listDirectory(layout.folder(.pending))) ?? []).filter(PendingName.isCandidate)
            folders[TaskStage.pending.rawValue] = names.count
            for name in names {
                if let st = try? Sys.lstat(layout.folder(.pending) + "/" + name) {
                    oldest = max(oldest, now.timeIntervalSince1970 - Double(st.st_mtim.tv_sec))
                }
            }
            var active: [(TaskStage, String)] = []
            for stage in TaskStage.allCases where stage != .pending {
                let ids = layout.taskIDs(in: stage)
                folders[stage.rawValue] = ids.count
                if !stage.isTerminal { active += ids.map { (stage, $0) } }
            }
            folders["hold"] = ((try? Sys.listDirectory(layout.root + "/hold")) ?? []).filter { !$0.hasPrefix(".") }.count
            return (folders, oldest, active)
        }
        var census = SpoolCensus(folders: folders, oldestPendingAge: oldest)
        for (stage, id) in active {
            guard let folder = try? TaskFolder.open(layout: layout, stage: stage, id: id),
                  let snapshot = try? await TaskSnapshot.read(from: folder, parse: parse) else { continue }
            census.personasDone += snapshot.succeeded + snapshot.failed
            census.personasTotal += snapshot.total
            if StallCheck.isStalled(path: layout.taskPath(stage, id), stallSeconds: stallSeconds, now: now) {
                census.stalled.append(id)
            }
        }
        return census
    }
}

/// A task is stalled when a live processor holds its lock but no checkpoint
/// has been written for `stallSeconds`. Checkpoints are renames into the
/// task folder or a persona folder, so the newest folder mtime is the last one.
enum StallCheck {
    static func lastCheckpoint(path: String) -> Date? {
        guard let st = try? Sys.lstat(path) else { return nil }
        var newest = st.st_mtim.tv_sec
        for name in (try? Sys.listDirectory(path)) ?? [] where name.hasPrefix("persona_") {
            if let sub = try? Sys.lstat(path + "/" + name) { newest = max(newest, sub.st_mtim.tv_sec) }
        }
        return Date(timeIntervalSince1970: Double(newest))
    }

    static func isStalled(path: String, stallSeconds: Double, now: Date = Date()) -> Bool {
        guard Sys.isLockedElsewhere(path + "/.lock"), let last = lastCheckpoint(path: path) else { return false }
        return now.timeIntervalSince(last) > stallSeconds
    }
}
