import AvatarDomain
import AvatarIndex
import AvatarPages
import AvatarSpoolEngine
import AvatarSystem
import AvatarTask
import Foundation
import Logging

/// Keeps `index.html` at the spool root current: rewritten atomically (temp
/// name, fsync, rename) after tasks change, at most once a second under
/// load, from the index in one query. A failure is logged, never more.
public actor SpoolPageWriter {
    let layout: SpoolLayout
    let indexer: Indexer
    let logger: Logger
    static let minInterval: Duration = .seconds(1)
    private var last: ContinuousClock.Instant?
    private var scheduled: Task<Void, Never>?

    public init(layout: SpoolLayout, indexer: Indexer, logger: Logger) {
        self.layout = layout
        self.indexer = indexer
        self.logger = logger
    }

    public nonisolated var path: String { layout.root + "/index.html" }

    /// Something changed: write now, or once the second since the last write is over.
    public func changed() {
        guard scheduled == nil else { return }
        let wait = last.map { Self.minInterval - (ContinuousClock.now - $0) } ?? .zero
        scheduled = Task {
            // Cancelled by `flush`: wake early and write at once.
            if wait > .zero { try? await Task.sleep(for: wait) }
            await self.writeScheduled()
        }
    }

    private func writeScheduled() async {
        scheduled = nil
        await writeNow()
    }

    /// Writes any change still waiting and waits for writes in flight (at
    /// the processor's end and before a command exits).
    public func flush() async {
        if let pending = scheduled {
            pending.cancel()
            await pending.value
        }
        if let writing { _ = await writing.value }
    }

    public struct Written: Sendable {
        public var tasks: Int
        public var bytes: Int
        public var elapsed: Duration
    }

    private var writing: Task<Written?, Never>?

    /// Writes the page now (after any write in flight).
    @discardableResult
    public func writeNow() async -> Written? {
        let previous = writing
        let task = Task { () -> Written? in
            if let previous { _ = await previous.value }
            return await self.write()
        }
        writing = task
        return await task.value
    }

    private var sweptTemporaries = false

    private func write() async -> Written? {
        let started = ContinuousClock.now
        last = started
        if !sweptTemporaries {
            sweptTemporaries = true
            let root = layout.root
            await BlockingPool.shared.run { Self.removeStaleTemporaries(in: root) }
        }
        do {
            let rows = try await self.rows()
            let layout = layout
            let pending = await BlockingPool.shared.run {
                ((try? Sys.listDirectory(layout.folder(.pending))) ?? []).filter(PendingName.isCandidate).count
            }
            let html = SpoolPage(spool: layout.root, pending: pending, rows: rows).render()
            let bytes = Array(html.utf8)
            let path = path
            try await BlockingPool.shared.run { try AtomicFile.write(bytes, toPath: path) }
            return Written(tasks: rows.count, bytes: bytes.count, elapsed: ContinuousClock.now - started)
        } catch {
            logger.warning("spool page \(path) not written: \(error)")
            return nil
        }
    }

    /// A writer killed mid-write leaves its `.tmp-<pid>-…` at the spool
    /// root: the first write of a process removes those whose process is gone
    /// (or that are older than a minute); a live processor's are left alone.
    static func removeStaleTemporaries(in root: String) {
        let fm = FileManager.default
        for name in (try? fm.contentsOfDirectory(atPath: root)) ?? [] where name.hasPrefix(".tmp-") {
            let path = root + "/" + name
            let pid = name.dropFirst(5).split(separator: "-").first.flatMap { Int32($0) }
            let gone = pid.map { kill($0, 0) != 0 && errno == ESRCH } ?? true
            let modified = (try? fm.attributesOfItem(atPath: path))?[.modificationDate] as? Date
            if gone || (modified.map { Date().timeIntervalSince($0) > 60 } ?? false) {
                try? fm.removeItem(atPath: path)
            }
        }
    }

    /// Every task from the index; from the folders (ids only) when the index
    /// cannot be read.
    private func rows() async throws -> [SpoolPage.Row] {
        if let index = await indexer.current(), let list = try? await index.summaries() {
            return list.map {
                SpoolPage.Row(taskID: $0.taskID, status: $0.status, count: $0.count, done: $0.completed,
                              failed: $0.failed, step: $0.currentStep, createdAt: $0.createdAt, costUSD: $0.costUSD)
            }
        }
        let layout = layout
        return await BlockingPool.shared.run {
            TaskStage.allCases.filter { $0 != .pending }.flatMap { stage in
                layout.taskIDs(in: stage).map {
                    SpoolPage.Row(taskID: $0, status: stage.rawValue, count: 0, done: 0, failed: 0, step: nil, createdAt: nil)
                }
            }
        }
    }
}
