import ArgumentParser
import AvatarSpool

struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show counts per status folder and the progress of unfinished tasks.",
        discussion: """
            Read from the folders, which are the truth. With a task id: that task in detail, one line per persona (a task still in pending/ is found too). Claims waiting in tmp/ are listed. Exits 1, saying why, when the spool does not exist or a status folder cannot be read.

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
            guard let detail = try await TaskDetail.make(id: taskID, layout: services.layout, admit: services.admit, parse: services.parse) else {
                printError("no task '\(taskID)' in \(services.layout.root) (neither in pending/ nor in a status folder)")
                throw ExitCode(1)
            }
            if json { try printJSON(detail) } else { print(detail.text, terminator: "") }
            return
        }
        var report = await StatusReport.make(layout: services.layout, parse: services.parse)
        report.spend = await SpendStatus.make(services)
        if !report.counts.isEmpty { report.index = await IndexState.measure(services) }
        let noSpool = report.counts.isEmpty // nothing was there to count
        if json { try printJSON(report) } else if !noSpool { print(report.text, terminator: "") }
        if !report.problems.isEmpty {
            report.problems.forEach { printError($0) }
            throw ExitCode(1)
        }
    }
}
