import ArgumentParser
import AvatarSpool

struct SubmitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit",
        abstract: "Validate task files and place them in pending/ atomically.",
        discussion: """
            Each valid file is written into tmp/, fsynced and renamed into pending/, so a processor never sees half of it. Prints one task id per file. Exits 1 with the reasons when a file is invalid (valid files given with it are still submitted).

            Example:
              avatar-spool submit examples/berlin-devs.json examples/tokyo-designers.json
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "Task files (JSON).")
    var files: [String]

    func run() async throws {
        try forEachFile(files, global: global) { submitter, file in
            print(try submitter.submit(file))
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
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "Task files (JSON).")
    var files: [String]

    func run() async throws {
        try forEachFile(files, global: global) { submitter, file in
            let (id, _) = try submitter.check(file)
            print("\(file): ok (task \(id))")
        }
    }
}

/// Runs `body` on every file with the configured submitter, going on past
/// failures: each is printed to stderr, and any one makes the exit status 1.
private func forEachFile(_ files: [String], global: GlobalOptions,
                         _ body: (Submitter, String) throws -> Void) throws {
    let services = try global.services()
    let submitter = Submitter(layout: services.layout, admit: services.admit)
    var failed = false
    for file in files {
        do {
            try body(submitter, file)
        } catch {
            failed = true
            printError("\(error)")
        }
    }
    if failed { throw ExitCode(1) }
}
