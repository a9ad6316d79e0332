import AvatarDomain
import AvatarIndex
import AvatarPipeline
import AvatarSpoolEngine
import AvatarTask
import Foundation
import Logging

/// Keeps the index (index.sqlite, or PostgreSQL with AVATAR_INDEX_URL) in
/// step with the folders. Index trouble (locked, deleted, corrupt, server
/// down) is logged and repaired by a rebuild from the folders, tried again
/// with backoff; it never stops a task.
public actor Indexer {
    let layout: SpoolLayout
    let parse: @Sendable ([UInt8]) -> TaskSpec?
    let logger: Logger
    /// The PostgreSQL index, when AVATAR_INDEX_URL chose one (nil: SQLite).
    let postgres: PostgresIndex?
    /// AVATAR_LEASES=postgres: every write is fenced by the task's epoch
    /// (PostgresIndex+Fence.swift).
    let fenced: Bool
    private var index: (any IndexStore)?
    private var needsRebuild = false
    /// Catch-up after a failure: the next try is scheduled after `retryDelay`,
    /// which doubles up to `maxRetryDelay` while it keeps failing.
    private var retryScheduled = false
    /// Tasks whose writes were skipped while behind: written again after the
    /// catch-up, which may have read their folders before they moved on.
    private var skipped: Set<String> = []
    private var retryDelay = Indexer.firstRetryDelay
    static let firstRetryDelay: Duration = .milliseconds(500)
    static let maxRetryDelay: Duration = .seconds(30)
    private var lastSync: [String: Date] = [:]
    private var pendingSync: Set<String> = []
    /// Where a corrupt index was moved, when this process moved one.
    public private(set) var movedAside: String?
    /// Per-persona progress is written at most this often per task; transitions always.
    static let minInterval: TimeInterval = 0.5

    /// - Parameter postgres: the PostgreSQL index (AVATAR_INDEX_URL); nil for index.sqlite.
    public init(layout: SpoolLayout, parse: @escaping @Sendable ([UInt8]) -> TaskSpec?, logger: Logger,
                postgres: PostgresIndex? = nil) {
        self.layout = layout
        self.parse = parse
        self.logger = logger
        self.postgres = postgres
        fenced = postgres != nil && layout.ownership.isShared
    }

    /// Where the index is, safe to print.
    public nonisolated var location: String { postgres?.location ?? layout.indexPath }

    /// True while an index write failed and the catch-up has not yet succeeded.
    public var isBehind: Bool { needsRebuild }

    private func open() -> (any IndexStore)? {
        if let postgres { return postgres } // connects at its first use, again after a loss
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
            scheduleRetry()
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
        // A server that is down would cost a connection time-out per write:
        // while a catch-up is pending, it alone writes (it covers this task).
        if postgres != nil && needsRebuild {
            skipped.insert(ws.taskID)
            return
        }
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
            if fenced, let postgres {
                try await fencedWrite(ws, postgres)
                return
            }
            let snapshot = try await TaskSnapshot.read(from: ws, parse: parse)
            try await index.sync(IndexMapping.row(snapshot))
        } catch let lost as LeaseLost {
            logger.debug("[Task \(ws.taskID)] index not updated: \(lost)")
        } catch let fence as IndexFenced {
            logger.warning("[Task \(ws.taskID)] \(fence)")
        } catch {
            logger.warning("[Task \(ws.taskID)] index update failed (\(error)); it will be rebuilt from the folders")
            needsRebuild = true
            scheduleRetry()
        }
    }

    /// Under leases: the holder writes if its epoch is still current; anyone
    /// else notes the epoch before reading the folder and writes only if
    /// nobody took the task since and nobody holds it now.
    private func fencedWrite(_ ws: TaskWorkspace, _ postgres: PostgresIndex) async throws {
        if let token = (ws as? TaskFolder)?.ownershipToken, token.epoch > 0 {
            try token.check(.index, ws.stage.rawValue)
            let row = IndexMapping.row(try await TaskSnapshot.read(from: ws, parse: parse))
            try await postgres.sync(row, fence: .holder(epoch: token.epoch))
            token.record(.index, ws.stage.rawValue)
        } else {
            let epoch = try await postgres.leaseEpoch(ws.taskID)
            let row = IndexMapping.row(try await TaskSnapshot.read(from: ws, parse: parse))
            try await postgres.sync(row, fence: .observer(epoch: epoch))
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
            let observed = fenced ? try await postgres?.leaseEpochs() : nil
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
            let gone = indexed.keys.filter { !present.contains($0) }
            if fenced, let postgres {
                // A listing is a hint on NFS: only tasks nobody took or holds are dropped.
                try await postgres.delete(taskIDs: gone, observed: observed ?? [:])
            } else {
                try await index.delete(taskIDs: gone)
            }
        } catch {
            logger.warning("index check at start failed (\(error)); rebuilding it from the folders")
            needsRebuild = true
            await rebuildIfNeeded()
        }
    }

    /// Rebuilds when the index went missing or an update failed.
    public func rebuildIfNeeded() async {
        if postgres == nil, index?.isDeleted == true || !FileManager.default.fileExists(atPath: layout.indexPath) {
            needsRebuild = true
        }
        guard needsRebuild else { return }
        do {
            try await rebuild()
            if retryDelay != Self.firstRetryDelay { logger.notice("the index at \(location) caught up with the folders") }
            needsRebuild = false
            retryDelay = Self.firstRetryDelay
            let moved = skipped
            skipped = []
            for id in moved.sorted() {
                guard let stage = layout.locate(id), let folder = try? TaskFolder.open(layout: layout, stage: stage, id: id) else { continue }
                await write(folder)
            }
        } catch {
            logger.error("index rebuild failed (\(location)): \(error); will try again with backoff; the folders remain the truth")
            scheduleRetry()
        }
    }

    /// Tries the catch-up again after the current backoff delay (one retry
    /// pending at a time), also when no rescan loop runs (`run --drain`).
    private func scheduleRetry() {
        guard !retryScheduled else { return }
        retryScheduled = true
        let delay = retryDelay
        retryDelay = min(retryDelay * 2, Self.maxRetryDelay)
        Task {
            try? await Task.sleep(for: delay)
            await self.retryNow()
        }
    }

    private func retryNow() async {
        retryScheduled = false
        await rebuildIfNeeded()
    }

    /// Makes the whole index anew from the folders (`reindex`).
    @discardableResult
    public func rebuild() async throws -> Int {
        guard let index = open() else { throw IndexUnavailable(path: location) }
        // Under leases, the epochs are noted before the folders are read (PostgresIndex+Fence.swift).
        let observed = fenced ? try await postgres?.leaseEpochs() : nil
        var rows: [IndexedTask] = []
        for stage in TaskStage.allCases where stage != .pending {
            for id in layout.taskIDs(in: stage) {
                guard let folder = try? TaskFolder.open(layout: layout, stage: stage, id: id) else { continue }
                rows.append(IndexMapping.row(try await TaskSnapshot.read(from: folder, parse: parse)))
            }
        }
        if let observed, let postgres {
            try await postgres.rebuild(rows, observed: observed)
        } else {
            try await index.rebuild(rows)
        }
        return rows.count
    }

    public func current() -> (any IndexStore)? { open() }
}

struct IndexUnavailable: Error, CustomStringConvertible {
    let path: String
    var description: String { "the index \(path) cannot be opened" }
}
