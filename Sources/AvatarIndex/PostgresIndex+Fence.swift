import AvatarPostgres
import Foundation

/// Index writes under leases (AVATAR_LEASES=postgres): each checks the
/// task's epoch in its own transaction, so a processor that lost a task
/// cannot overwrite what its new holder wrote.
///
/// Writers that do not hold a task (a rebuild, the check at start) take
/// `task_leases` in SHARE mode for their short transaction: no takeover
/// happens meanwhile (a takeover updates the table, a lease connection waits
/// at most its lock_timeout and tries later), and what they write is skipped
/// for any task taken since they read its folder, or held right now.
extension PostgresIndex {
    /// Replaces one task's rows if `fence` allows it.
    /// - Returns: false when an observer's write was skipped.
    /// - Throws: `IndexFenced` when a holder's epoch is no longer current.
    @discardableResult
    public func sync(_ task: IndexedTask, fence: IndexFence) async throws -> Bool {
        try await run { s in
            try s.transaction(context: "sync task \(task.taskID)") {
                guard try Self.allowed(task.taskID, fence, s) else { return false }
                try Self.upsert(task, s)
                return true
            }
        }
    }

    /// Removes tasks whose folders are gone, if `fence` allows it for each.
    public func delete(taskIDs: [String], observed: [String: Int64]) async throws {
        guard !taskIDs.isEmpty else { return }
        try await run { s in
            try s.transaction(context: "delete tasks") {
                try Self.lockForObservers(s)
                let epochs = try LeaseTables.epochs(s), held = try LeaseTables.heldKeys(s)
                for id in taskIDs where epochs[id] == observed[id] && !held.contains(LeaseTables.taskKey(id)) {
                    try Self.deleteTask(id, s)
                }
            }
        }
    }

    /// `rebuild` by a processor that holds none of the tasks: tasks taken
    /// since `observed` was read, or held now, keep their rows as they are.
    public func rebuild(_ tasks: [IndexedTask], observed: [String: Int64]) async throws {
        try await run { s in
            try s.transaction(context: "rebuild the index") {
                try Self.lockForObservers(s)
                let epochs = try LeaseTables.epochs(s), held = try LeaseTables.heldKeys(s)
                func untouched(_ id: String) -> Bool { epochs[id] == observed[id] && !held.contains(LeaseTables.taskKey(id)) }
                for t in tasks where untouched(t.taskID) { try Self.upsert(t, s) }
                let keep = Set(tasks.map(\.taskID))
                for row in try s.query("SELECT task_id FROM generation_tasks") {
                    guard let id = row["task_id"] ?? nil, !keep.contains(id), untouched(id) else { continue }
                    try Self.deleteTask(id, s)
                }
            }
        }
    }

    /// task_id → epoch of every task ever leased: what an observer notes
    /// before it reads the folders.
    public func leaseEpochs() async throws -> [String: Int64] {
        try await run { try LeaseTables.epochs($0) }
    }

    /// The current epoch of one task (nil: never leased).
    public func leaseEpoch(_ taskID: String) async throws -> Int64? {
        try await run { s in
            let row = try s.query("SELECT epoch FROM task_leases WHERE task_id = $1", [taskID], context: "read the lease of \(taskID)")
            return (row.first?["epoch"] ?? nil).flatMap { Int64($0) }
        }
    }

    /// Holder → the tasks it holds a lease on right now (for `status`).
    public func leaseHolders() async throws -> [String: [String]] {
        try await run { s in
            let held = try LeaseTables.heldKeys(s)
            var out: [String: [String]] = [:]
            for row in try s.query("SELECT task_id, holder FROM task_leases", context: "read lease holders") {
                guard let id = row["task_id"] ?? nil, let holder = row["holder"] ?? nil,
                      held.contains(LeaseTables.taskKey(id)) else { continue }
                out[holder, default: []].append(id)
            }
            return out.mapValues { $0.sorted() }
        }
    }

    static func lockForObservers(_ s: PGSession) throws {
        try s.query("LOCK TABLE task_leases IN SHARE MODE", context: "fence index writes")
    }

    static func allowed(_ id: String, _ fence: IndexFence, _ s: PGSession) throws -> Bool {
        switch fence {
        case .none:
            return true
        case .holder(let epoch):
            // FOR SHARE: a takeover's epoch update waits for this write to commit.
            let row = try s.query("SELECT epoch FROM task_leases WHERE task_id = $1 FOR SHARE", [id], context: "fence task \(id)")
            let current = (row.first?["epoch"] ?? nil).flatMap { Int64($0) }
            guard current == epoch else { throw IndexFenced(taskID: id, epoch: epoch, current: current) }
            return true
        case .observer(let epoch):
            try lockForObservers(s)
            let row = try s.query("SELECT epoch FROM task_leases WHERE task_id = $1", [id], context: "fence task \(id)")
            let current = (row.first?["epoch"] ?? nil).flatMap { Int64($0) }
            let held = try LeaseTables.heldKeys(s)
            return current == epoch && !held.contains(LeaseTables.taskKey(id))
        }
    }
}
