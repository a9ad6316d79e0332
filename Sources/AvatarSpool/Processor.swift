import AvatarConfig
import AvatarDomain
import AvatarIndex
import AvatarPipeline
import AvatarService
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
    /// What this processor could not do, by where it is ("pending/<name>",
    /// "<stage>/<id>", "tmp/claim-…"): skipped by scans, forgotten when the
    /// thing moves, and (`retryOnRescan`) tried again at every timed rescan.
    let gaveUp = GiveUps()
    /// systemd notifications, watchdog, metrics, hooks (ServiceRuntime.swift).
    let runtime: ServiceRuntime

    public init(services: Services) {
        self.services = services
        self.runtime = ServiceRuntime(services: services)
    }

    var layout: SpoolLayout { services.layout }
    var logger: Logger { services.logger }

    /// Runs until stopped (SIGTERM/SIGINT via `stop()`), or with `drain`
    /// until everything present is completed or failed.
    /// - Returns: what a drain left undone, one line each ("pending/x.json:
    ///   why"); empty when everything present was completed or failed.
    @discardableResult
    public func run(drain: Bool) async throws -> [String] {
        try services.service.checkForRun()
        try layout.create()
        if let leases = services.leases {
            // Before any claim: every claim and task needs a lease from now on.
            leases.start()
            logger.info("leases in PostgreSQL as \(leases.holder): a task whose holder is silent for \(Int(leases.timings.seconds)) s (AVATAR_LEASE_SECONDS) is resumed by another host")
        }
        if Sys.flockDisabled { logger.warning("AVATAR_TEST_NO_FLOCK=1: folder locks are always granted, as a flock kept local to each host on NFS would be (a test switch; only leases keep hosts apart)") }
        await recoverClaims()
        await services.indexer.reconcileAtStart()
        try runtime.start()
        if Sys.renameNoReplaceDisabled { logger.warning("AVATAR_TEST_NO_RENAME_NOREPLACE=1: renameat2(RENAME_NOREPLACE) is made to fail as on NFS (a test switch; claims use the NFS fallback)") }
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
                    // What failed for a reason that may have passed (permissions
                    // fixed, disk space freed) is tried again once per interval.
                    gaveUp.forgetRetryable()
                    await recoverClaims()
                    await scan()
                    await services.indexer.rebuildIfNeeded()
                }
            })
        }
        await scan()
        await runtime.ready()

        let slots = AsyncLimiter(limit: services.settings.taskConcurrency)
        // A discarding group: a plain task group keeps every finished child
        // (its task and stack slab, about 17 KB) until it is awaited, so a
        // processor grew with every task it had finished (issue 14).
        await withDiscardingTaskGroup { group in
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
                services.monitor.beat(.claim)
                if stopping.isRaised { await queue.done(item); break }
                do { try await slots.acquire() } catch { break }
                group.addTask { [self] in
                    await handle(item)
                    slots.release()
                    await queue.done(item)
                }
            }
        }
        watcher?.stop()
        background.forEach { $0.cancel() }
        await runtime.finish()
        if let leases = services.leases { await BlockingPool.shared.run { leases.releaseAll() } }
        if stopping.isRaised {
            logger.info("processor stopped; unfinished tasks resume at the next start")
            return []
        }
        let left = await leftUndone()
        if left.isEmpty {
            logger.info("processor drained: nothing left to do")
        } else {
            logger.error("processor drained with \(left.count) item(s) left undone: \(left.joined(separator: "; "))")
        }
        return left
    }

    /// What is still in pending/, in a status folder or in tmp/ because this
    /// processor could not handle it, each with why.
    func leftUndone() async -> [String] {
        let layout = layout
        let entries = gaveUp.entries
        let claims = await BlockingPool.shared.run { layout.claims() }
        var left: [String] = []
        for (place, reason) in entries.sorted(by: { $0.key < $1.key }) where !place.hasPrefix("tmp/") {
            if (try? Sys.lstatat(AT_FDCWD, layout.root + "/" + place)) != nil { left.append("\(place): \(reason)") }
        }
        for claim in claims where !claim.live {
            left.append("tmp/\(claim.folder) (pending/\(claim.file)): " + (entries["tmp/" + claim.folder] ?? "claimed but not moved on (its processor died, or could not write the status folder)"))
        }
        return left
    }

    /// Moves on claims left in tmp/ (by a dead processor, or by one that
    /// could not write the status folder); logs each stuck one once.
    func recoverClaims() async {
        let claimer = services.claimer
        let stuck = await BlockingPool.shared.run { claimer.recoverClaims() }
        let stuckKeys = Set(stuck.map { "tmp/" + $0.folder })
        for claim in stuck where gaveUp.record("tmp/" + claim.folder, claim.description, retryOnRescan: false) {
            logger.error("\(claim)")
        }
        gaveUp.forget { $0.hasPrefix("tmp/") && !stuckKeys.contains($0) }
    }

    /// Stops claiming; in-flight steps finish, then `run` returns.
    public func stop() {
        stopping.raise()
        runtime.stopping()
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
        // A give-up is forgotten once its file or folder has moved (`retry`
        // puts a task into another status folder: it is worked on again).
        let present = Set(names.map { "pending/" + $0 } + folders.map { "\($0.0.rawValue)/\($0.1)" })
        gaveUp.forget { !$0.hasPrefix("tmp/") && !present.contains($0) }
        var count = 0
        for name in names where !gaveUp.contains("pending/" + name) {
            await queue.add(.pending(name))
            count += 1
        }
        for (stage, id) in folders where !gaveUp.contains("\(stage.rawValue)/\(id)") {
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
            let started = ContinuousClock.now
            services.monitor.begin(.claim)  // busy only for the claim itself, not the task after it
            do {
                result = try await BlockingPool.shared.run { try claimer.claim(name) }
                services.monitor.end(.claim)
                if runtime.metricsEnabled { ProcessorMetrics.claimed(in: .now - started) }
            } catch let stranded as StrandedClaim {
                services.monitor.end(.claim)
                // Out of pending/, into tmp/: say so (rescans move it on).
                if gaveUp.record("tmp/" + stranded.folder, stranded.description, retryOnRescan: false) {
                    logger.error("\(stranded)")
                }
                return
            } catch {
                services.monitor.end(.claim)
                let why = "\(error); left in place in pending/, tried again at every rescan"
                if gaveUp.record("pending/" + name, why, retryOnRescan: true) {
                    logger.error("pending/\(name): \(why)")
                }
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
                if let folder = try? TaskFolder.lock(layout: layout, stage: .failed, id: id) {
                    runtime.finishedInBackground(folder, stage: .failed)
                }
            case .notReady(let retryAfter):
                await queue.add(item, after: retryAfter)
            case .duplicate, .skipped:
                break
            }
        case .orphan(let stage, let id):
            let folder: TaskFolder?
            do {
                folder = try await BlockingPool.shared.run { [layout] in try TaskFolder.lock(layout: layout, stage: stage, id: id) }
            } catch {
                // The lease service cannot be asked: left where it is, tried at the next rescan.
                if gaveUp.record("\(stage.rawValue)/\(id)", "cannot take its lease: \(error)", retryOnRescan: true) {
                    logger.error("[Task \(id)] cannot take its lease (\(error)); left in \(stage.rawValue)/ and tried again at every rescan")
                }
                return
            }
            guard let folder else { return }
            if let token = folder.ownershipToken, token.waitBeforeUse > .zero {
                // Taken over from a holder that did not give it back: it may
                // still trust its lease for this long (a killed session or a
                // restarted server frees the lock at once).
                logger.notice("[Task \(id)] taken over (epoch \(token.epoch)); waiting \(String(format: "%.1f", token.waitBeforeUse.inSeconds)) s until its previous holder's lease has surely ended")
                try? await Task.sleep(for: token.waitBeforeUse)
                if stopping.isRaised { return }
            }
            if layout.ownership.isShared { await BlockingPool.shared.run { folder.clearTemporaries() } }
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
        // This task's own stop flag: raised by shutdown or by a hold request (Processor+Control.swift).
        let control = TaskControl(folder: folder)
        // A lost lease stops the task at once: in-flight requests are
        // abandoned, guards refuse every write (AvatarLeases).
        folder.ownershipToken?.onLost { control.leaseLost() }
        defer { folder.releaseOwnership() }
        var context = services.context
        context.stopping = control.stop
        let runner = TaskRunner(context: context)
        services.monitor.begin(.task)
        defer { services.monitor.end(.task) }
        do {
            let ran = try await control.run(global: stopping) { try await runner.run(folder, spec: spec) }
            if let final = await settle(control, final: ran), final.isTerminal {
                runtime.finishedInBackground(folder, stage: final)
            }
        } catch let lost as LeaseLost {
            logger.notice("[Task \(folder.taskID)] \(lost)")
            return
        } catch is CancellationError where control.isLeaseLost {
            return
        } catch let error as ProviderError where error.code == .paused {
            // The provider logged the one clear error; the task waits where it
            // is, with no persona failed, until a restart with a served model.
            gaveUp.record("\(folder.stage.rawValue)/\(folder.taskID)",
                          "waits for \(error.provider), paused: fix the model setting and start again", retryOnRescan: false)
            logger.notice("[Task \(folder.taskID)] waiting in \(folder.stage.rawValue)/: \(error.provider) is paused")
        } catch {
            let place = "\(folder.stage.rawValue)/\(folder.taskID)"
            if layout.locate(folder.taskID) == nil {
                // Deleted by hand while it ran: nothing to record it in.
                logger.warning("[Task \(folder.taskID)] its folder was removed while it ran (\(error)); dropped from the index")
            } else if DiskSpace.isFull(error) {
                // Nothing is wrong with the task: it waits, checkpoints kept,
                // and the next timed rescan tries again.
                let why = "paused: \(error); resumes when there is room (tried again every \(services.settings.workerInterval) s)"
                if gaveUp.record(place, why, retryOnRescan: true) {
                    logger.error("[Task \(folder.taskID)] \(why)")
                }
            } else {
                // The task's own folder cannot be written (read-only, gone):
                // record why where possible and let other tasks go on.
                let why = error is UnreadableFile
                    ? "\(error); `avatar-spool retry \(folder.taskID)` sets it aside and makes it again"
                    : "cannot write the task folder: \(error)"
                await fail(folder, why)
                if folder.stage != .failed {
                    gaveUp.record("\(folder.stage.rawValue)/\(folder.taskID)", why, retryOnRescan: false)
                }
            }
        }
        await services.indexer.sync(folder)
    }

    /// Records why in error.json where the disk still allows it, then moves
    /// the task to failed/ (a rename needs no free space).
    private func fail(_ folder: TaskFolder, _ message: String) async {
        logger.error("[Task \(folder.taskID)] \(message)")
        let report = TaskErrorReport(taskID: folder.taskID, stage: folder.stage.rawValue, message: message, failures: [])
        if let bytes = try? JSONCoding.fileBytes(report) {
            try? await folder.write(TaskFiles.error, bytes)
        }
        if (try? await folder.transition(to: .failed)) != nil {
            logger.error("[Task \(folder.taskID)] moved to failed/")
            runtime.finishedInBackground(folder, stage: .failed)
        }
    }
}

/// Places the processor gave up on, each with why, shared across tasks.
final class GiveUps: @unchecked Sendable {
    // Confinement: `items` only under `lock`.
    private let lock = NSLock()
    private var items: [String: (reason: String, retryOnRescan: Bool)] = [:]

    /// - Returns: true when `place` is new or its reason changed (worth a log line).
    @discardableResult
    func record(_ place: String, _ reason: String, retryOnRescan: Bool) -> Bool {
        lock.withLock {
            let changed = items[place]?.reason != reason
            items[place] = (reason, retryOnRescan)
            return changed
        }
    }

    func contains(_ place: String) -> Bool { lock.withLock { items[place] != nil } }

    func forget(where predicate: (String) -> Bool) {
        lock.withLock { items = items.filter { !predicate($0.key) } }
    }

    /// Forgets what may have been passing trouble, so it is tried again.
    func forgetRetryable() { lock.withLock { items = items.filter { !$0.value.retryOnRescan } } }

    var entries: [String: String] { lock.withLock { items.mapValues(\.reason) } }
}
