import AvatarDomain
import AvatarPipeline
import AvatarService
import AvatarSpend
import AvatarSpoolEngine
import AvatarSystem
import Foundation
import Logging

/// What running as a service adds around the processor: systemd
/// notifications and the watchdog, the census behind STATUS= and the spool
/// gauges, the metrics file and listener, finish hooks, stall warnings.
/// Each part is off unless configured (or started by systemd).
final class ServiceRuntime: Sendable {
    let services: Services
    let notifier: ServiceNotifier
    let monitor: ProgressMonitor
    private let warnedStalled = LockedSet()
    private let listener = ListenerBox()
    /// The census and watchdog loops, cancelled at the end.
    private let loops = TaskBag()
    /// Finish hooks in flight, waited for at the end (bounded by their time-outs).
    private let hooks = TaskBag()
    /// How often the census runs (and the metrics file is written).
    static let interval: Duration = .seconds(15)

    init(services: Services) {
        self.services = services
        notifier = ServiceNotifier(logger: services.logger)
        monitor = services.monitor
    }

    var settings: ServiceSettings { services.service }
    var logger: Logger { services.logger }
    var metricsEnabled: Bool { settings.metricsFile != nil || settings.metricsListen != nil }

    /// Before the start-up scan: metrics, the listener, hooks a crash left due.
    /// - Throws: `SystemError` when the metrics address cannot be bound.
    func start() throws {
        if metricsEnabled {
            _ = MetricsExporter.shared
            ProcessorMetrics.prime()
        }
        if let (host, port) = settings.metricsListen {
            let l = try MetricsListener(host: host, port: port, logger: logger) { MetricsExporter.shared.exposition() }
            listener.set(l)
            logger.info("metrics on http://\(host.contains(":") ? "[\(host)]" : host):\(l.port)/metrics")
        }
        if services.hooks.isEnabled {
            hooks.add { [self] in await catchUpHooks() }
        }
    }

    /// Runs the hooks of tasks that reached completed/ or failed/ without
    /// them: a crash between the last rename and the hooks, or a `cancel`
    /// from the command line. At start and with every census.
    func catchUpHooks() async {
        guard services.hooks.isEnabled else { return }
        let layout = services.layout
        let due = await BlockingPool.shared.run { self.services.hooks.due(in: layout) }
        for (stage, id) in due {
            // Locked elsewhere: its processor is running the hooks right now.
            guard let folder = try? TaskFolder.lock(layout: layout, stage: stage, id: id) else { continue }
            logger.notice("[Task \(id)] finish hooks are due (finished without a processor running them): running them now")
            await finished(folder, stage: stage)
        }
    }

    /// After the start-up scan: READY=1, then the census loop and the watchdog.
    func ready() async {
        let census = await takeCensus()
        notifier.ready(status: statusText(census))
        loops.add { [self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: Self.interval)
                if Task.isCancelled { break }
                let census = await takeCensus()
                notifier.status(statusText(census))
                await catchUpHooks()
            }
        }
        if notifier.petInterval != nil {
            loops.add { [self] in await notifier.runWatchdog(monitor: monitor) }
        }
    }

    /// The census line, and why paid requests wait when the daily budget is reached.
    func statusText(_ census: SpoolCensus) -> String {
        var line = census.statusLine
        line.budgetReachedUntil = services.spendGuard?.waitingNow.map { SpendDay.timestamp($0.until) }
        return line.text
    }

    /// SIGTERM: tell systemd, which then waits the grace out.
    func stopping() {
        notifier.stopping(grace: services.settings.grace)
    }

    /// At exit: the last metrics file, the listener closed.
    func finish() async {
        await hooks.waitAll()
        loops.cancelAll()
        await loops.waitAll()
        if metricsEnabled { _ = await takeCensus() }
        listener.get()?.stop()
    }

    /// A task reached completed/ or failed/ (its lock held by the caller):
    /// counters, then the hooks.
    func finished(_ folder: TaskFolder, stage: TaskStage, fresh: Bool = false) async {
        let snapshot = try? await TaskSnapshot.read(from: folder, parse: services.parse)
        var input = 0, output = 0
        for p in snapshot?.personas ?? [] {
            for usage in [p.usage?.base, p.usage?.grid].compactMap({ $0 }) {
                input += usage.inputTokens
                output += usage.outputTokens
            }
        }
        if metricsEnabled {
            ProcessorMetrics.taskFinished(status: stage.rawValue, succeeded: snapshot?.succeeded ?? 0,
                                          failed: snapshot?.failed ?? 0, inputTokens: input, outputTokens: output)
        }
        guard services.hooks.isEnabled else { return }
        let event = FinishEvent(taskID: folder.taskID, status: stage.rawValue, taskDir: folder.path,
                                personas: snapshot?.total, succeeded: snapshot?.succeeded, failed: snapshot?.failed,
                                error: snapshot?.errorMessage.map(services.context.redact))
        await services.hooks.run(folder, event: event, fresh: fresh)
    }

    /// Runs `finished` beside the task loop (hooks never hold a task slot) for
    /// a task this processor just finished; the folder, and so its lock,
    /// stays with it until the hooks are done.
    func finishedInBackground(_ folder: TaskFolder, stage: TaskStage) {
        hooks.add { [self] in await finished(folder, stage: stage, fresh: true) }
    }

    @discardableResult
    private func takeCensus() async -> SpoolCensus {
        let census = await SpoolCensus.take(layout: services.layout, parse: services.parse,
                                            stallSeconds: settings.stallSeconds)
        for id in census.stalled where !warnedStalled.contains(id) {
            warnedStalled.insert(id)
            logger.warning("[Task \(id)] stalled: a processor holds it but no checkpoint was written for \(Int(settings.stallSeconds)) s (AVATAR_STALL_SECONDS)")
        }
        if metricsEnabled {
            census.record()
            // Today's spend from the spool's ledger (absent when images are free).
            if let spend = await SpendStatus.make(services) { ProcessorMetrics.spentToday(spend.spentTodayUSD) }
            if let path = settings.metricsFile {
                do {
                    try await BlockingPool.shared.run { try MetricsFile(path: path).write(MetricsExporter.shared.exposition()) }
                } catch {
                    logger.error("cannot write AVATAR_METRICS_FILE \(path): \(error)")
                }
            }
        }
        return census
    }
}

/// A set of strings shared across tasks (the stalled tasks already warned about).
final class LockedSet: @unchecked Sendable {
    // Confinement: `items` only under `lock`.
    private let lock = NSLock()
    private var items: Set<String> = []
    func insert(_ s: String) { lock.withLock { _ = items.insert(s) } }
    func contains(_ s: String) -> Bool { lock.withLock { items.contains(s) } }
}

/// The metrics listener, set once.
final class ListenerBox: @unchecked Sendable {
    // Confinement: `value` only under `lock`.
    private let lock = NSLock()
    private var value: MetricsListener?
    func set(_ l: MetricsListener) { lock.withLock { value = l } }
    func get() -> MetricsListener? { lock.withLock { value } }
}

/// Background tasks to cancel or wait for at the end. A task leaves the bag
/// when it ends, so a processor that runs for months keeps none it finished.
final class TaskBag: @unchecked Sendable {
    // Confinement: `tasks` and `next` only under `lock`.
    private let lock = NSLock()
    private var tasks: [Int: Task<Void, Never>] = [:]
    private var next = 0

    func add(_ body: @escaping @Sendable () async -> Void) {
        lock.withLock {
            let id = next
            next += 1
            tasks[id] = Task { [self] in
                await body()
                _ = lock.withLock { tasks.removeValue(forKey: id) }
            }
        }
    }

    func cancelAll() { lock.withLock { tasks.values.forEach { $0.cancel() } } }

    func waitAll() async {
        while let task = lock.withLock({ tasks.values.first }) {
            await task.value
            // A task that ended removes itself; make sure this one is gone.
            lock.withLock { tasks = tasks.filter { !($0.value == task) } }
        }
    }
}
