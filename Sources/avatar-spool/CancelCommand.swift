import ArgumentParser
import AvatarSpool

struct CancelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cancel",
        abstract: "Cancel tasks: they stop at once and go to failed/.",
        discussion: """
            A pending, held or waiting task moves to failed/ at once; a running one is stopped by its processor at once (transfers in flight are aborted). error.json says it was cancelled, when and why; the index shows status failed with the reason in error_log.

            Example:
              avatar-spool cancel berlin-devs-01 --reason "wrong country"
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("Task ids.", valueName: "task-id"))
    var taskIDs: [String]

    @Option(help: "Why, for error.json and the index's error_log.")
    var reason: String?

    func run() async throws {
        let queue = QueueOperator(services: try global.services())
        try await forEachTask(taskIDs, verb: "cancel") { try await queue.cancel($0, reason: reason).text }
    }
}
