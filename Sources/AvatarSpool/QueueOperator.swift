import AvatarDomain
import AvatarService
import AvatarSpoolEngine
import AvatarStorage
import AvatarSystem
import Foundation

/// The logic of `hold`, `release`, `cancel` and `gc` (the commands only
/// parse and print): QueueControl's file-system moves, then the index.
public struct QueueOperator: Sendable {
    public let services: Services

    public init(services: Services) {
        self.services = services
    }

    var control: QueueControl { QueueControl(layout: services.layout) }

    /// - Throws: `QueueControlError` (unknown id, finished task, path-like id): nothing changed.
    public func hold(_ id: String) async throws -> QueueControlOutcome {
        let control = control
        return try await BlockingPool.shared.run { try control.hold(id) }
    }

    public func release(_ id: String) async throws -> QueueControlOutcome {
        let control = control
        return try await BlockingPool.shared.run { try control.release(id) }
    }

    public func cancel(_ id: String, reason: String?) async throws -> QueueControlOutcome {
        let control = control
        let outcome = try await BlockingPool.shared.run { try control.cancel(id, reason: reason) }
        if case .moved(_, "failed") = outcome,
           let folder = try? TaskFolder.open(layout: services.layout, stage: .failed, id: id) {
            await services.indexer.sync(folder)
            await services.spoolPage.writeNow()  // the spool page shows it failed
        }
        return outcome
    }

    /// Plans (and unless `dryRun`, carries out) a gc; index rows of removed
    /// tasks go too. With `objects` and S3, each task's objects are listed
    /// (`{prefix}/task_{id}/`) and deleted before its folder; a task whose
    /// objects cannot all be deleted keeps its folder, for the next gc.
    /// - Returns: the plan, what could not be removed, and the S3 keys deleted (or that would be).
    public func gc(completedOlderThan: Double?, failedOlderThan: Double?, objects: Bool,
                   dryRun: Bool) async -> (plan: GarbageCollector.Plan, problems: [String], s3Keys: [String]) {
        let local = services.store is LocalObjectStore ? services.settings.keyPrefix : nil
        let collector = GarbageCollector(layout: services.layout, localKeyPrefix: local)
        var plan = await BlockingPool.shared.run {
            collector.plan(completedOlderThan: completedOlderThan, failedOlderThan: failedOlderThan, objects: objects)
        }
        var s3Keys: [String] = []
        var problems: [String] = []
        if objects, let s3 = services.store as? S3Store {
            let prefix = services.settings.keyPrefix
            for item in plan.tasks {
                guard let id = item.taskID else { continue }
                do {
                    s3Keys += dryRun ? try await s3.keys(under: (prefix.isEmpty ? "" : prefix + "/") + "task_\(id)/")
                                     : try await s3.deleteTask(id, keyPrefix: prefix)
                } catch {
                    problems.append("S3 objects of task \(id): \(error) (its folder is kept)")
                    plan.tasks.removeAll { $0.taskID == id }
                }
            }
        }
        guard !dryRun else { return (plan, problems, s3Keys) }
        let removePlan = plan
        problems += await BlockingPool.shared.run { collector.execute(removePlan) }
        let ids = plan.tasks.compactMap(\.taskID)
        if !ids.isEmpty, let index = await services.indexer.current() {
            try? await index.delete(taskIDs: ids)
        }
        if !ids.isEmpty { await services.spoolPage.writeNow() }  // the removed tasks leave the spool page
        return (plan, problems, s3Keys)
    }
}
