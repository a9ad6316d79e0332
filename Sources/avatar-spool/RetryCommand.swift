import ArgumentParser
import AvatarSpool

struct RetryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retry",
        abstract: "Send a failed task, or a completed one with failed personas, back through the pipeline.",
        discussion: """
            Removes the error files and moves the task to data-generated/ (or generating-data/ when persona data is missing), where a running processor resumes it at its next rescan (or `run --drain` now). Only what is missing is generated or uploaded again; a checkpoint that cannot be read (a damaged persona_<n>/persona.json or urls.json) is kept as <file>.unreadable and made again.

            Example:
              avatar-spool retry berlin-devs-01 && avatar-spool run --drain
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The task id.")
    var taskID: String

    func run() async throws {
        let services = try global.services()
        do {
            let (folder, count, setAside) = try await Retrier(layout: services.layout, parse: services.parse,
                                                              admit: services.admit).retry(taskID)
            await services.indexer.sync(folder)
            for line in setAside { print("\(taskID): \(line)") }
            await services.spoolPage.writeNow()
            print("\(taskID): \(count) persona(s) to redo; now in \(folder.stage.rawValue)/")
        } catch let error as RetryError {
            printError(error.message)
            throw ExitCode(1)
        }
    }
}

struct ReindexCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reindex",
        abstract: "Rebuild the index (index.sqlite, or PostgreSQL with AVATAR_INDEX_URL) from the folders.",
        discussion: """
            The folders are the truth; the index is derived. Safe while a processor runs. A corrupt index.sqlite is moved aside (index.sqlite.corrupt-<time>) and built anew. In PostgreSQL the rebuild is one transaction that upserts every task and deletes the others (the ids of the tasks that stay do not change).

            Example:
              avatar-spool reindex --spool /srv/avatars
              AVATAR_INDEX_URL=postgresql://db.example/avatars avatar-spool reindex --spool /srv/avatars
            """)

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let services = try global.services()
        try services.layout.create()
        let n = try await services.indexer.rebuild()
        if let aside = await services.indexer.movedAside {
            print("the index was corrupt: moved it aside to \(aside)")
        }
        await services.spoolPage.writeNow()
        print("indexed \(n) task(s) into \(services.indexer.location)")
    }
}
