import AvatarDomain
import AvatarSpoolEngine
import AvatarSystem
import Foundation

/// `gc`: removes old finished task folders (and, with `objects`, their
/// objects in the local store), and temp files a crash left in objects/
/// and tmp/ more than an hour ago. Never touches an unfinished task: only
/// completed/ and failed/ are looked at, and a folder whose lock is held
/// (a processor running its hooks, a `retry` under way) is skipped.
public struct GarbageCollector: Sendable {
    public let layout: SpoolLayout
    /// The local object store's key prefix (S3_KEY_PREFIX), or nil for S3,
    /// whose objects the composition root deletes through the store (QueueOperator.gc).
    public let localKeyPrefix: String?

    public init(layout: SpoolLayout, localKeyPrefix: String?) {
        self.layout = layout
        self.localKeyPrefix = localKeyPrefix
    }

    public struct Item: Sendable, Equatable {
        public var path: String
        public var bytes: Int64
        /// A task id, for task folders (index rows go with them).
        public var taskID: String?
    }

    public struct Plan: Sendable {
        public var tasks: [Item] = []
        public var objects: [Item] = []
        public var temporaries: [Item] = []
        public var all: [Item] { tasks + objects + temporaries }
        public var bytes: Int64 { all.reduce(0) { $0 + $1.bytes } }
    }

    /// What would go. Ages are in seconds; nil leaves that folder alone.
    public func plan(completedOlderThan: Double?, failedOlderThan: Double?, objects: Bool, now: Date = Date()) -> Plan {
        var plan = Plan()
        for (stage, age) in [(TaskStage.completed, completedOlderThan), (.failed, failedOlderThan)] {
            guard let age else { continue }
            for id in layout.taskIDs(in: stage) {
                let path = layout.taskPath(stage, id)
                guard !Sys.isLockedElsewhere(path + "/.lock"),
                      let finished = Self.newestMTime(path), now.timeIntervalSince(finished) > age else { continue }
                plan.tasks.append(Item(path: path, bytes: Self.size(path), taskID: id))
                if objects, let prefix = localKeyPrefix {
                    let p = prefix.split(separator: "/").joined(separator: "/")
                    let folder = layout.objects + "/" + (p.isEmpty ? "" : p + "/") + "task_" + id
                    if QueueControl.isDirectory(folder) { plan.objects.append(Item(path: folder, bytes: Self.size(folder))) }
                }
            }
        }
        let hourAgo = now.addingTimeInterval(-3600)
        for (root, recursive) in [(layout.objects, true), (layout.tmp, false)] {
            Self.walk(root, recursive: recursive) { path, name, st in
                let stale = Date(timeIntervalSince1970: Double(st.st_mtim.tv_sec)) < hourAgo
                let temp = name.hasPrefix(".tmp-") || (root == layout.tmp && name.hasPrefix("submit-"))
                if stale && temp && (st.st_mode & S_IFMT) == S_IFREG {
                    plan.temporaries.append(Item(path: path, bytes: Int64(st.st_size)))
                }
            }
        }
        return plan
    }

    /// Removes what `plan` lists. Returns what could not be removed.
    public func execute(_ plan: Plan) -> [String] {
        var problems: [String] = []
        for item in plan.all {
            do {
                try FileManager.default.removeItem(atPath: item.path)
            } catch {
                problems.append("\(item.path): \(error.localizedDescription)")
            }
        }
        return problems
    }

    /// The newest mtime of a task folder and its persona folders: when its
    /// last file was written (renames into a folder update its mtime).
    static func newestMTime(_ path: String) -> Date? {
        guard let st = try? Sys.lstat(path) else { return nil }
        var newest = st.st_mtim.tv_sec
        for name in (try? Sys.listDirectory(path)) ?? [] where name.hasPrefix("persona_") {
            if let sub = try? Sys.lstat(path + "/" + name) { newest = max(newest, sub.st_mtim.tv_sec) }
        }
        return Date(timeIntervalSince1970: Double(newest))
    }

    /// Bytes of the regular files under `path` (links not followed).
    static func size(_ path: String) -> Int64 {
        var total: Int64 = 0
        walk(path, recursive: true) { _, _, st in
            if (st.st_mode & S_IFMT) == S_IFREG { total += Int64(st.st_size) }
        }
        return total
    }

    static func walk(_ path: String, recursive: Bool, _ visit: (String, String, stat) -> Void) {
        for name in (try? Sys.listDirectory(path)) ?? [] {
            let full = path + "/" + name
            guard let st = try? Sys.lstat(full) else { continue }
            visit(full, name, st)
            if recursive && (st.st_mode & S_IFMT) == S_IFDIR { walk(full, recursive: true, visit) }
        }
    }
}

/// "30d", "12h", "90m", "45s", or plain seconds.
public enum AgeParser {
    public static func seconds(_ text: String) -> Double? {
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604_800]
        if let unit = text.last, let factor = units[unit], let n = Double(text.dropLast()), n >= 0 { return n * factor }
        if let n = Double(text), n >= 0 { return n }
        return nil
    }
}
