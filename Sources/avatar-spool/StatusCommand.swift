import ArgumentParser
import AvatarSpool
import Foundation

struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show counts per status folder and the progress of unfinished tasks.",
        discussion: """
            Read from the folders, which are the truth. Per unfinished task: a progress bar, the step most personas are at, age, an ETA from the rate so far, and STALLED when a live processor has written no checkpoint for AVATAR_STALL_SECONDS. With a task id: that task in detail, one line per persona (a task still in pending/ is found too). Claims waiting in tmp/ are listed, and today's spend when images cost money. Colour only on a terminal, never with NO_COLOR. Exits 1, saying why, when the spool does not exist or a status folder cannot be read.

            Example:
              avatar-spool status
              avatar-spool status --watch 5
              avatar-spool status berlin-devs-01 --json
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "A task id, for one task in detail.")
    var taskID: String?

    @Flag(help: "Print JSON.")
    var json = false

    @Flag(help: "Redraw every SECONDS (default 2; `--watch 5`) until interrupted; on a terminal in place.")
    var watch = false

    /// `--watch 5`: the argument parser has no option with an optional
    /// value, so with --watch a number in the task-id place is the interval.
    var interval: Double? {
        guard watch else { return nil }
        return taskID.flatMap(Double.init) ?? 2
    }

    var task: String? { watch && taskID.flatMap(Double.init) != nil ? nil : taskID }

    func validate() throws {
        if let interval, !(interval >= 0.2 && interval <= 3600) {
            throw ValidationError("--watch takes 0.2 to 3600 seconds, got \(interval)")
        }
        if watch && task != nil { throw ValidationError("--watch shows every task; leave out the task id") }
    }

    func run() async throws {
        let services = try global.services()
        if let taskID = task {
            guard let detail = try await TaskDetail.make(id: taskID, layout: services.layout, admit: services.admit, parse: services.parse) else {
                printError("no task '\(taskID)' in \(services.layout.root) (neither in pending/ nor in a status folder)")
                throw ExitCode(1)
            }
            if json { try printJSON(detail) } else { print(detail.text, terminator: "") }
            return
        }
        let terminal = isatty(STDOUT_FILENO) == 1
        let colour = terminal && ProcessInfo.processInfo.environment["NO_COLOR"].map(\.isEmpty) ?? true
        while true {
            var report = await StatusReport.make(layout: services.layout, parse: services.parse,
                                                 stallSeconds: services.service.stallSeconds)
            report.spend = await SpendStatus.make(services)
            if !report.counts.isEmpty { report.index = await IndexState.measure(services) }
            let noSpool = report.counts.isEmpty // nothing was there to count
            if json {
                try printJSON(report)
            } else if !noSpool {
                // On a terminal --watch redraws in place (cursor home, clear); piped, reports follow each other.
                if watch && terminal { print("\u{1B}[H\u{1B}[2J", terminator: "") }
                print(report.text(colour: colour), terminator: "")
                if watch && !terminal { print("") }
            }
            if !report.problems.isEmpty {
                report.problems.forEach { printError($0) }
                // Watching, the problem may pass (a spool not created yet); once, it is the answer.
                if interval == nil { throw ExitCode(1) }
            }
            guard let interval else { return }
            fflush(nil)
            try await Task.sleep(for: .milliseconds(Int(interval * 1000)))
        }
    }
}
