import ArgumentParser
import AvatarSpool

struct ReleaseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "release",
        abstract: "Release held tasks: each goes back where it was held from.",
        discussion: """
            A held file goes back to pending/, a held task folder to the folder it left (a processor resumes it at its next scan). A hold request a running task has not reached yet is withdrawn.

            Example:
              avatar-spool release berlin-devs-01
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("Task ids.", valueName: "task-id"))
    var taskIDs: [String]

    func run() async throws {
        let queue = QueueOperator(services: try global.services())
        try await forEachTask(taskIDs, verb: "release") { try await queue.release($0).text }
    }
}
