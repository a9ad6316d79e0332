import AvatarDomain
import AvatarSpoolEngine
import AvatarSystem
import Foundation
import Logging

/// Runs AVATAR_ON_FINISH and AVATAR_WEBHOOK_URL once per task that reaches
/// completed/ or failed/. Never throws and never fails a task: a hook that
/// cannot start, crashes, hangs (killed at AVATAR_HOOK_TIMEOUT) or prints a
/// megabyte is logged and recorded in the task's `hooks.json`. Programs run
/// on the hooks' own threads, so a hanging one holds no I/O thread.
/// The caller holds the task folder's lock (exactly one processor runs them).
public final class FinishHooks: Sendable {
    public let program: String?
    public let timeout: Double
    public let webhook: Webhook?
    let logger: Logger
    let pool: BlockingPool
    /// Passed on to the program beside the AVATAR_TASK_* variables (never secrets).
    static let inherited = ["PATH", "HOME", "LANG", "LC_ALL", "TZ"]

    public init(program: String?, timeout: Double, webhook: Webhook?, logger: Logger) {
        self.program = program
        self.timeout = timeout
        self.webhook = webhook
        self.logger = logger
        self.pool = BlockingPool(name: "avatar-hooks", threads: 2)
    }

    deinit { pool.shutdown() }

    public var isEnabled: Bool { program != nil || webhook != nil }

    /// Runs the hooks still due for the task in `ws` (lock held by the caller).
    /// - Parameter fresh: the caller's own run just finished the task: records
    ///   of an earlier finish (before a `retry`) do not count.
    public func run(_ ws: TaskWorkspace, event: FinishEvent, fresh: Bool = false) async {
        guard isEnabled else { return }
        var records = fresh ? HookRecords() : await read(ws)
        if let program {
            await step(\.onFinish, name: "on-finish", ws: ws, records: &records) {
                await self.runProgram(program, event: event)
            }
        }
        if let webhook {
            await step(\.webhook, name: "webhook", ws: ws, records: &records) {
                do {
                    let status = try await webhook.deliver(event)
                    return (true, "HTTP \(status)")
                } catch {
                    return (false, "\(error)")
                }
            }
        }
    }

    private func step(_ key: WritableKeyPath<HookRecords, HookRecords.Entry?>, name: String, ws: TaskWorkspace,
                      records: inout HookRecords, body: () async -> (ok: Bool, outcome: String)) async {
        let id = ws.taskID
        if let entry = records[keyPath: key] {
            if entry.state == .running {
                logger.warning("[Task \(id)] \(name) hook was cut short by a stop or crash (started \(entry.startedAt)); not run again")
                records[keyPath: key]?.state = .interrupted
                records[keyPath: key]?.finishedAt = Self.now()
                await write(records, ws)
            }
            return
        }
        records[keyPath: key] = .init(state: .running, startedAt: Self.now())
        guard await write(records, ws) else { return }  // unrecorded: better skipped than run twice
        let (ok, outcome) = await body()
        records[keyPath: key]?.state = ok ? .succeeded : .failed
        records[keyPath: key]?.finishedAt = Self.now()
        records[keyPath: key]?.outcome = outcome
        ProcessorMetrics.hook(name == "on-finish" ? "on_finish" : name, succeeded: ok)
        if ok {
            logger.info("[Task \(id)] \(name) hook: \(outcome)")
        } else {
            logger.error("[Task \(id)] \(name) hook failed: \(outcome)")
        }
        await write(records, ws)
    }

    private func runProgram(_ program: String, event: FinishEvent) async -> (ok: Bool, outcome: String) {
        let environment = ProcessInfo.processInfo.environment
        var env = Self.inherited.reduce(into: [String: String]()) { $0[$1] = environment[$1] }
        env.merge(event.environment) { $1 }
        let timeout = timeout
        let outcome = await pool.run { [env] in
            HookProgram.run(program, environment: env, timeout: timeout)
        }
        for line in outcome.output.split(whereSeparator: \.isNewline).prefix(200) {
            logger.info("[Task \(event.taskID)] on-finish: \(line)")
        }
        if outcome.droppedBytes > 0 {
            logger.warning("[Task \(event.taskID)] on-finish printed \(outcome.droppedBytes) more bytes (not logged)")
        }
        return (outcome.succeeded, outcome.summary(timeout: timeout))
    }

    private func read(_ ws: TaskWorkspace) async -> HookRecords {
        guard let bytes = (try? await ws.read(HookRecords.fileName)) ?? nil,
              let records = try? JSONDecoder().decode(HookRecords.self, from: Data(bytes)) else { return HookRecords() }
        return records
    }

    @discardableResult
    private func write(_ records: HookRecords, _ ws: TaskWorkspace) async -> Bool {
        do {
            try await ws.write(HookRecords.fileName, try JSONCoding.fileBytes(records))
            return true
        } catch {
            logger.error("[Task \(ws.taskID)] cannot record the hooks in \(HookRecords.fileName): \(error)")
            return false
        }
    }

    static func now() -> String { ISO8601DateFormatter().string(from: Date()) }
}

extension FinishHooks {
    /// The watermark: tasks that finished before hooks were first configured
    /// on this spool never get them. Created at the first start with hooks.
    static func watermarkPath(_ layout: SpoolLayout) -> String { layout.root + "/.hooks-since" }

    /// Finished tasks whose hooks are due or were cut short: no `hooks.json`
    /// (or one with a hook still `running`) and finished after the watermark.
    /// A crash between a task's last rename and its hooks leaves such a task.
    public func due(in layout: SpoolLayout) -> [(TaskStage, String)] {
        guard isEnabled else { return [] }
        let mark = Self.watermarkPath(layout)
        guard let st = try? Sys.lstat(mark) else {
            try? AtomicFile.write(Array("hooks configured; tasks finished before this file's time get none\n".utf8), toPath: mark)
            return []
        }
        let since = st.st_mtim.tv_sec
        var found: [(TaskStage, String)] = []
        for stage in [TaskStage.completed, .failed] {
            for id in layout.taskIDs(in: stage) {
                let path = layout.taskPath(stage, id)
                guard let folder = try? Sys.lstat(path), folder.st_ctim.tv_sec >= since else { continue }
                let recordPath = path + "/" + HookRecords.fileName
                guard let bytes = try? AtomicFile.read(recordPath, in: AT_FDCWD, limit: 1 << 20) else {
                    found.append((stage, id))
                    continue
                }
                if let records = try? JSONDecoder().decode(HookRecords.self, from: Data(bytes)),
                   records.onFinish?.state == .running || records.webhook?.state == .running
                    || (program != nil && records.onFinish == nil) || (webhook != nil && records.webhook == nil) {
                    found.append((stage, id))
                }
            }
        }
        return found
    }
}
