import ArgumentParser
import AvatarSpool
import Foundation

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Watch the spool and process tasks.",
        discussion: """
            Claims every task file in pending/, resumes tasks whose processor died, and then watches pending/ (inotify, plus a full rescan every WORKER_INTERVAL seconds). SIGTERM or SIGINT: stop claiming, let in-flight steps finish (--grace), exit 0; a second signal exits at once. Nothing written is lost; the next start resumes.

            Example:
              avatar-spool run --spool /srv/avatars --image-concurrency 8
              avatar-spool run --drain      # process what is there, then exit (1 if anything was left undone)
            """)

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Process everything present until each task is completed or failed, then exit (1, listing what and why, when something could not be done).")
    var drain = false

    @Option(parsing: .unconditional, help: "Seconds in-flight steps get to finish after SIGTERM (default 20; $AVATAR_GRACE).")
    var grace: Double?

    @Option(help: "umask for new files and folders, octal (default 027: files 0640, folders 0750; $AVATAR_UMASK).")
    var umask: String?

    @Option(parsing: .unconditional, help: "Personas in their image steps at once (default 4; $IMAGE_CONCURRENCY).")
    var imageConcurrency: Int?

    @Option(parsing: .unconditional, help: "Tasks worked on at once (default 4; $TASK_CONCURRENCY).")
    var taskConcurrency: Int?

    @Option(parsing: .unconditional, help: "Seconds between full rescans (default 30; $WORKER_INTERVAL).")
    var workerInterval: Double?

    func run() async throws {
        var extra: [String: String] = [:]
        if let grace { extra["AVATAR_GRACE"] = String(grace) }
        if let umask { extra["AVATAR_UMASK"] = umask }
        if let imageConcurrency { extra["IMAGE_CONCURRENCY"] = String(imageConcurrency) }
        if let taskConcurrency { extra["TASK_CONCURRENCY"] = String(taskConcurrency) }
        if let workerInterval { extra["WORKER_INTERVAL"] = String(workerInterval) }
        let services = try global.services(extra: extra)
        let processor = Processor(services: services)
        let signals = ShutdownSignals(grace: services.settings.grace, logger: services.logger) {
            processor.stop()
        }
        defer { signals.cancel() }
        let reload = ReloadSignal(logger: services.logger) { [global, extra] in
            do {
                services.spendGuard?.setDailyBudget(try Services.dailyBudget(try global.settings(extra: extra)))
            } catch {
                services.logger.error("SIGHUP: the configuration was not reloaded: \(error)")
            }
        }
        defer { reload.cancel() }
        let left = try await processor.run(drain: drain)
        await services.spoolPage.flush()
        if drain && !left.isEmpty {
            printError("run --drain: \(left.count) item(s) left undone:\n" + left.map { "  - " + $0 }.joined(separator: "\n"))
            throw ExitCode(1)
        }
    }
}
