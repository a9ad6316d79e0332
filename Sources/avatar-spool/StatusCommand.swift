import ArgumentParser
import AvatarSpool

struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show counts per status folder and the progress of unfinished tasks.",
        discussion: """
            Read from the folders, which are the truth. With a task id: that task in detail, one line per persona.

            Example:
              avatar-spool status
              avatar-spool status berlin-devs-01 --json
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "A task id, for one task in detail.")
    var taskID: String?

    @Flag(help: "Print JSON.")
    var json = false

    func run() async throws {
        let services = try global.services()
        if let taskID {
            guard let detail = try await TaskDetail.make(id: taskID, layout: services.layout, parse: services.parse) else {
                printError("no task '\(taskID)' in \(services.layout.root)")
                throw ExitCode(1)
            }
            if json { try printJSON(detail) } else { print(detail.text, terminator: "") }
            return
        }
        var report = await StatusReport.make(layout: services.layout, parse: services.parse)
        report.spend = await SpendStatus.make(services)
        if json { try printJSON(report) } else { print(report.text, terminator: "") }
    }
}
