import ArgumentParser
import AvatarSpool

struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check finished tasks' files and stored objects against the checksums recorded at publish time.",
        discussion: """
            Every file listed in a task's result.json is hashed (SHA-256) and compared with the checksum recorded there when the task finished; every published object is compared too (local store: its content, and that it is not a hard link to the task folder; S3: a HEAD, its x-amz-meta-sha256, else ETag and size). Prints each difference and which side holds the recorded bytes. With --repair, an object that differs is published again from the task folder when the folder's file is the recorded one; otherwise nothing is changed and the output says which side is authoritative and why. Exits 1 while a difference is left.

            Example:
              avatar-spool verify            # every finished task
              avatar-spool verify berlin-devs-01 --repair
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("Task ids (default: every task in completed/ and failed/).", valueName: "task-id"))
    var taskIDs: [String] = []

    @Flag(help: "Publish again, from the task folder, every object that differs when the folder's file is the recorded one.")
    var repair = false

    @Flag(help: "Print JSON.")
    var json = false

    func run() async throws {
        let services = try global.services()
        let verifier = Verifier(layout: services.layout, store: services.store, keyPrefix: services.settings.keyPrefix)
        let report = await verifier.run(ids: taskIDs, repair: repair)
        if json { try printJSON(report) } else { print(report.text, terminator: "") }
        if !report.ok { throw ExitCode(1) }
    }
}
