import ArgumentParser
import AvatarSpool

struct HoldCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hold",
        abstract: "Hold tasks: no processor claims or resumes them until released.",
        discussion: """
            A pending file or a waiting task moves to hold/ at once. A running task is held by its processor at its next step boundary: requests in flight finish and are kept. Works beside running processors, through the file system only.

            Example:
              avatar-spool hold berlin-devs-01 lagos-nurses
              avatar-spool release berlin-devs-01
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("Task ids.", valueName: "task-id"))
    var taskIDs: [String]

    func run() async throws {
        let queue = QueueOperator(services: try global.services())
        try await forEachTask(taskIDs, verb: "hold") { try await queue.hold($0).text }
    }
}
