import AvatarDomain
import AvatarIndex
import AvatarPipeline
import AvatarSpoolEngine
import AvatarTask
import Foundation
import Logging

/// Keeps index.sqlite in step with the folders. Index trouble (locked,
/// deleted, corrupt) is logged and repaired by a rebuild from the folders;
/// it never stops a task.
public actor Indexer {
    let layout: SpoolLayout
    let parse: @Sendable ([UInt8]) -> TaskSpec?
    let logger: Logger
    private var index: SpoolIndex?
    private var needsRebuild = false
    private var lastSync: [String: Date] = [:]
    private var pendingSync: Set<String> = []
    /// Where a corrupt index was moved, when this process moved one.
    public private(set) var movedAside: String?
    /// Per-persona progress is written at most this often per task; transitions always.
    static let minInterval: TimeInterval = 0.5

    public init(layout: SpoolLayout, parse: @escaping @Sendable ([UInt8]) -> TaskSpec?, logger: Logger) {
        self.layout = layout
        self.parse = parse
        self.logger = logger
    }

    private func open() -> SpoolIndex? {
        if let index, !index.isDeleted { return index }
        if index != nil {
            logger.warning("index.sqlite was deleted while running: recreating it from the folders")
            needsRebuild = true
        }
        do {
            let fresh: SpoolIndex
            do {
                fresh = try SpoolIndex(path: layout.indexPath)
            } catch where SpoolIndex.isCorruption(error) {
                // Derived data: keep the damaged file for a look, build anew.
                let aside = try SpoolIndex.moveAside(layout.indexPath)
                movedAside = aside ?? movedAside
                logger.error("\(layout.indexPath) is not a usable database (\(error)): moved it aside to \(aside ?? "(moved by another process)") and rebuilding the index from the folders")
                fresh = try SpoolIndex(path: layout.indexPath)
                needsRebuild = true
            }
            index = fresh
            return fresh
        } catch {
            logger.error("cannot open \(layout.indexPath): \(error); the folders remain the truth")
            index = nil
            needsRebuild = true
            return nil
        }
    }

    /// Writes one task's rows from its folder; frequent calls for one task
    /// are coalesced.
    public func sync(_ ws: TaskWorkspace, immediate: Bool = true) async {
        let id = ws.taskID
        if !immediate, let last = lastSync[id], Date().timeIntervalSince(last) < Self.minInterval {
            if pendingSync.insert(id).inserted {
                Task {
                    try? await Task.sleep(for: .milliseconds(Int(Self.minInterval * 1000)))
                    await self.trailingSync(ws)
                }
            }
            return
        }
        lastSync[id] = Date()
        await write(ws)
    }

    private func trailingSync(_ ws: TaskWorkspace) async {
        pendingSync.remove(ws.taskID)
        lastSync[ws.taskID] = Date()
        await write(ws)
    }

    private func write(_ ws: TaskWorkspace) async {
        guard let index = open() else { return }
        // A finished task is not synced at a high rate again: forget its time
        // (a processor that runs for weeks must not grow with its tasks).
        if ws.stage.isTerminal { lastSync.removeValue(forKey: ws.taskID) }
        do {
            guard layout.locate(ws.taskID) != nil else {
                // Its folder was deleted by hand: no row may claim it still runs.
                try await index.delete(taskIDs: [ws.taskID])
                lastSync.removeValue(forKey: ws.taskID)
                return
            }
            let snapshot = try await TaskSnapshot.read(from: ws, parse: parse)
            try await index.sync(IndexMapping.row(snapshot))
        } catch {
            logger.warning("[Task \(ws.taskID)] index update failed (\(error)); it will be rebuilt from the folders")
            needsRebuild = true
        }
    }

    /// At a processor's start. A processor killed between a folder rename
    /// and its index update left the index behind the folders: every task
    /// whose indexed status differs from its folder is synced again, rows of
    /// tasks whose folders are gone are dropped. Cheaper than a rebuild on a
    /// large spool (one readdir per status folder, one query); a missing or
    /// unreadable index is rebuilt whole.
    public func reconcileAtStart() async {
        _ = open() // a corrupt index is moved aside here and marked for a rebuild
        await rebuildIfNeeded()
        guard let index = open(), !needsRebuild else { return }
        do {
            let indexed = try await index.statuses()
            var present: Set<String> = []
            for stage in TaskStage.allCases where stage != .pending {
                for id in layout.taskIDs(in: stage) {
                    present.insert(id)
                    guard indexed[id] != stage.rawValue || !stage.isTerminal,
                          let folder = try? TaskFolder.open(layout: layout, stage: stage, id: id) else { continue }
                    await write(folder)
                }
            }
            try await index.delete(taskIDs: indexed.keys.filter { !present.contains($0) })
        } catch {
            logger.warning("index check at start failed (\(error)); rebuilding it from the folders")
            needsRebuild = true
            await rebuildIfNeeded()
        }
    }

    /// Rebuilds when the index went missing or an update failed.
    public func rebuildIfNeeded() async {
        if index?.isDeleted == true || !FileManager.default.fileExists(atPath: layout.indexPath) { needsRebuild = true }
        guard needsRebuild else { return }
        do {
            try await rebuild()
            needsRebuild = false
        } catch {
            logger.error("index rebuild failed: \(error); will try again")
        }
    }

    /// Makes the whole index anew from the folders (`reindex`).
    @discardableResult
    public func rebuild() async throws -> Int {
        guard let index = open() else { throw IndexUnavailable(path: layout.indexPath) }
        var rows: [IndexedTask] = []
        for stage in TaskStage.allCases where stage != .pending {
            for id in layout.taskIDs(in: stage) {
                guard let folder = try? TaskFolder.open(layout: layout, stage: stage, id: id) else { continue }
                rows.append(IndexMapping.row(try await TaskSnapshot.read(from: folder, parse: parse)))
            }
        }
        try await index.rebuild(rows)
        return rows.count
    }

    public func current() -> SpoolIndex? { open() }
}

struct IndexUnavailable: Error, CustomStringConvertible {
    let path: String
    var description: String { "the index \(path) cannot be opened" }
}
