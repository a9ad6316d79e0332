import AvatarConfig
import AvatarDomain
import AvatarIndex
import AvatarPipeline
import AvatarSpoolEngine
import AvatarSystem
import AvatarTask
import Foundation
import Logging

/// The long-running processor: watches pending/, claims tasks, runs them
/// through the pipeline, resumes orphans, keeps the index.
public final class Processor: Sendable {
    public let services: Services
    let queue = WorkQueue()
    var stopping: StopFlag { services.context.stopping }
    private let gaveUp = LockedSet()
    /// Tasks waiting for a paused provider (its model is not served).
    let paused = LockedSet()

    public init(services: Services) {
        self.services = services
    }

    var layout: SpoolLayout { services.layout }
    var logger: Logger { services.logger }

    /// Runs until stopped (SIGTERM/SIGINT via `stop()`), or with `drain`
    /// until everything present is completed or failed.
    public func run(drain: Bool) async throws {
        try layout.create()
        try services.claimer.recoverClaims()
        await services.indexer.reconcileAtStart()
        logger.info("processor started on \(layout.root) (\(services.summary); tasks at once: \(services.settings.taskConcurrency), images at once: \(services.settings.imageConcurrency))")
        try await services.checkModelsAtStart()
        await services.reconcileLedger()

        var watcher: PendingWatcher?
        var background: [Task<Void, Never>] = []
        if !drain, let watch = services.watchModels(stopping: { [stopping] in stopping.isRaised }) { background.append(watch) }
        if drain {
            await queue.setDrain()
        } else {
            let w = try PendingWatcher(directory: layout.folder(.pending), logger: logger)
            watcher = w
            background.append(Task { [self] in
                for await event in w.events {
                    switch event {
                    case .ready(let name): await queue.add(.pending(name))
                    case .created(let name): await queue.add(.pending(name), after: services.settings.settleSeconds)
                    case .rescan: await scan()
                    }
                }
            })
            background.append(Task { [self] in
                while !Task.isCancelled && !stopping.isRaised {
                    try? await Task.sleep(for: .milliseconds(Int(services.settings.workerInterval * 1000)))
                    await scan()
                    await services.indexer.rebuildIfNeeded()
                }
            })
        }
        await scan()

        let slots = AsyncLimiter(limit: services.settings.taskConcurrency)
        await withTaskGroup(of: Void.self) { group in
            var lastFound = 0
            while true {
                guard let item = await queue.next(drain: drain) else {
                    // Drained: one more look, for files dropped meanwhile.
                    if drain && !stopping.isRaised {
                        let found = await scan()
                        if found > 0 {
                            // What was found may be task folders another live
                            // processor holds: they are found again at once until
                            // it finishes them. Wait a moment instead of spinning.
                            if found == lastFound { try? await Task.sleep(for: .milliseconds(250)) }
                            lastFound = found
                            continue
                        }
                    }
                    break
                }
                if stopping.isRaised { await queue.done(item); break }
                do { try await slots.acquire() } catch { break }
                group.addTask { [self] in
                    await handle(item)
                    slots.release()
                    await queue.done(item)
                }
            }
            await group.waitForAll()
        }
        watcher?.stop()
        background.forEach { $0.cancel() }
        logger.info(stopping.isRaised ? "processor stopped; unfinished tasks resume at the next start" : "processor drained: nothing left to do")
        if drain, !paused.isEmpty {
            throw ProcessorError(message: "\(paused.count) task(s) wait for a paused provider (see the model error above); "
                                 + "fix the model setting and run again")
        }
    }

    /// Stops claiming; in-flight steps finish, then `run` returns.
    public func stop() {
        stopping.raise()
        Task { await queue.close() }
    }

    /// Queues every task file in pending/ and every task folder that may be
    /// an orphan. Returns how many items it queued.
    @discardableResult
    func scan() async -> Int {
        // readdir of folders that may hold thousands of entries: on the I/O pool.
        let layout = layout
        let (names, folders) = await BlockingPool.shared.run {
            let names = ((try? Sys.listDirectory(layout.folder(.pending))) ?? []).filter(PendingName.isCandidate).sorted()
            let folders = [TaskStage.generatingData, .dataGenerated, .generatingImages].flatMap { stage in
                layout.taskIDs(in: stage).map { (stage, $0) }
            }
            return (names, folders)
        }
        var count = 0
        for name in names where !gaveUp.contains("pending/" + name) {
            await queue.add(.pending(name))
            count += 1
        }
        for (stage, id) in folders where !gaveUp.contains(id) {
            await queue.add(.orphan(stage, id))
            count += 1
        }
        return count
    }

    func handle(_ item: WorkItem) async {
        if stopping.isRaised { return }
        switch item {
        case .pending(let name):
            let claimer = services.claimer
            let result: ClaimResult
            do {
                result = try await BlockingPool.shared.run { try claimer.claim(name) }
            } catch {
                logger.error("pending/\(name): \(error); left in place")
                gaveUp.insert("pending/" + name)
                return
            }
            switch result {
            case .claimed(let folder, let spec):
                await services.indexer.sync(folder)
                await runTask(folder, spec: spec)
            case .rejected(let id, _):
                if let folder = try? TaskFolder.open(layout: layout, stage: .failed, id: id) {
                    await services.indexer.sync(folder)
                }
            case .notReady(let retryAfter):
                await queue.add(item, after: retryAfter)
            case .duplicate, .skipped:
                break
            }
        case .orphan(let stage, let id):
            guard let folder = try? TaskFolder.lock(layout: layout, stage: stage, id: id) else { return }
            guard let bytes = (try? await folder.read(TaskFiles.task)) ?? nil,
                  var spec = services.parse(bytes) else {
                await fail(folder, "\(stage.rawValue)/\(id) has no valid task.json (removed or changed by hand?)")
                return
            }
            spec.taskID = id // a derived id comes from the pending name, not "task.json"
            logger.info("[Task \(id)] resuming from \(stage.rawValue)/ (no live processor holds it)")
            await runTask(folder, spec: spec)
        }
    }

    func runTask(_ folder: TaskFolder, spec: TaskSpec) async {
        let runner = TaskRunner(context: services.context)
        do {
            try await runner.run(folder, spec: spec)
        } catch let error as ProviderError where error.code == .paused {
            // The provider logged the one clear error; the task waits where it
            // is, with no persona failed, until a restart with a served model.
            gaveUp.insert(folder.taskID)
            paused.insert(folder.taskID)
            logger.notice("[Task \(folder.taskID)] waiting in \(folder.stage.rawValue)/: \(error.provider) is paused")
        } catch {
            // The task's own folder cannot be written (disk full, read-only,
            // gone): record why where possible and let other tasks go on.
            gaveUp.insert(folder.taskID)
            await fail(folder, "cannot write the task folder: \(error)")
        }
        await services.indexer.sync(folder)
    }

    /// Records why in error.json where the disk still allows it, then moves
    /// the task to failed/ (a rename needs no free space).
    private func fail(_ folder: TaskFolder, _ message: String) async {
        logger.error("[Task \(folder.taskID)] \(message)")
        let report = TaskErrorReport(taskID: folder.taskID, stage: folder.stage.rawValue, message: message, failures: [])
        if let bytes = try? JSONEncoder().encode(report) {
            try? await folder.write(TaskFiles.error, Array(bytes))
        }
        if (try? await folder.transition(to: .failed)) != nil {
            logger.error("[Task \(folder.taskID)] moved to failed/")
        }
    }
}

/// A set of strings shared across tasks.
final class LockedSet: @unchecked Sendable {
    // Confinement: `items` only under `lock`.
    private let lock = NSLock()
    private var items: Set<String> = []
    func insert(_ s: String) { lock.withLock { _ = items.insert(s) } }
    func contains(_ s: String) -> Bool { lock.withLock { items.contains(s) } }
    var isEmpty: Bool { lock.withLock { items.isEmpty } }
    var count: Int { lock.withLock { items.count } }
}

/// Why `run --drain` ends with work undone.
public struct ProcessorError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
