import ArgumentParser
import AvatarSpend
import AvatarSpool
import AvatarTask
import Foundation

struct SubmitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit",
        abstract: "Validate task files and place them in pending/ atomically.",
        discussion: """
            Each valid file is written into tmp/, fsynced and renamed into pending/, so a processor never sees half of it. Prints one task id per file. Exits 1 with the reasons when a file is invalid (valid files given with it are still submitted).

            Example:
              avatar-spool submit examples/berlin-devs.json examples/tokyo-designers.json
              avatar-spool submit --estimate big-batch.json   # prints what it will cost, then submits
            """)

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Also print the requests each provider will receive and a cost range.")
    var estimate = false

    @Argument(help: "Task files (JSON).")
    var files: [String]

    func run() async throws {
        try forEachFile(files, global: global, estimate: estimate) { submitter, file in
            let checked = try submitter.check(file)
            print(try submitter.submit(file))
            return checked
        }
    }
}

struct ValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check task files without submitting them.",
        discussion: """
            The same checks as submit and the processor, with the configured image provider's sizes. Prints "<file>: ok (task <id>)" or every problem with its field path. Exits 1 if any file is invalid.

            Example:
              avatar-spool validate examples/berlin-devs.json examples/lagos-nurses.json
              avatar-spool validate --estimate examples/*.json   # and what they would cost
            """)

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Also print the requests each provider would receive and a cost range (nothing is submitted).")
    var estimate = false

    @Argument(help: "Task files (JSON).")
    var files: [String]

    func run() async throws {
        try forEachFile(files, global: global, estimate: estimate) { submitter, file in
            let checked = try submitter.check(file)
            print("\(file): ok (task \(checked.id))")
            return checked
        }
    }
}

/// Runs `body` on every file with the configured submitter, going on past
/// failures: each is printed to stderr, and any one makes the exit status 1.
/// With `estimate`, the valid files' estimates follow.
private func forEachFile(_ files: [String], global: GlobalOptions, estimate: Bool,
                         _ body: (Submitter, String) throws -> (id: String, bytes: [UInt8])) throws {
    let services = try global.services()
    let submitter = Submitter(layout: services.layout, admit: services.admit)
    var failed = false
    var specs: [TaskSpec] = []
    for file in files {
        do {
            let (id, bytes) = try body(submitter, file)
            if var spec = services.parse(bytes) {
                spec.taskID = id
                specs.append(spec)
            }
        } catch {
            failed = true
            printError("\(error)")
        }
    }
    if estimate, !specs.isEmpty {
        let estimates = specs.map { SpendEstimator.estimate($0, config: services.spend, prices: services.prices) }
        print("\nestimate:\n" + EstimateReport.text(estimates, prices: services.prices), terminator: "")
    }
    if failed { throw ExitCode(1) }
}
