import ArgumentParser
import AvatarSpool
import AvatarSystem
import Foundation

struct GalleryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gallery",
        abstract: "Write the spool page (index.html at the spool root) and print its file:// URL.",
        discussion: """
            The spool page lists every task by status, with links to each finished task's page (its index.html: personas, bios, thumbnails linking to the full images, the contact sheet). A running processor keeps it current; this writes it now.

            Example:
              avatar-spool gallery
              xdg-open "$(avatar-spool gallery)"
            """)

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let services = try global.services()
        try services.layout.create()
        guard let written = await services.spoolPage.writeNow() else {
            printError("the spool page could not be written (see the log above)")
            throw ExitCode(1)
        }
        let ms = written.elapsed.inSeconds * 1000
        printError(String(format: "wrote %@: %d tasks, %d bytes in %.0f ms", services.spoolPage.path, written.tasks, written.bytes, ms))
        print(FileURL.of(path: services.spoolPage.path))
    }
}

struct ThumbnailsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "thumbnails",
        abstract: "Make the missing thumbnails of finished tasks, and rewrite their pages and contact sheets.",
        discussion: """
            For tasks finished before thumbnails existed (or with AVATAR_THUMB_SIZE=0): makes thumb_base.png and thumb_0.png … thumb_3.png where missing, stores them beside the originals, records their URLs in urls.json, result.json and the index, and rewrites the contact sheet, the task's page and the spool page. Without task ids: every completed task. Running it again makes nothing new.

            Example:
              avatar-spool thumbnails
              avatar-spool thumbnails berlin-devs-01 tokyo-02
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("Task ids (default: every completed task).", valueName: "task-id"))
    var taskIDs: [String] = []

    func run() async throws {
        let services = try global.services()
        guard services.settings.thumbSize > 0 else {
            printError("AVATAR_THUMB_SIZE is 0: thumbnails are off (set it, e.g. 256, to make them)")
            throw ExitCode(1)
        }
        do {
            let outcomes = try await ThumbnailBackfill(services: services).run(taskIDs)
            for o in outcomes { print(o.skipped.map { "\(o.taskID): skipped, \($0)" } ?? "\(o.taskID): done") }
            if outcomes.contains(where: { $0.skipped != nil }) { throw ExitCode(1) }
        } catch let error as GalleryError {
            printError(error.message)
            throw ExitCode(1)
        }
    }
}

struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export personas as CSV or JSON Lines: one row per persona, every field and URL.",
        discussion: """
            Columns: \(Exporter.columns.joined(separator: ", ")). CSV per RFC 4180 (UTF-8, CRLF, quoted where needed); JSON Lines: one object per persona. Without task ids: every completed task.

            Example:
              avatar-spool export > personas.csv
              avatar-spool export berlin-devs-01 --format jsonl --output berlin.jsonl
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("Task ids (default: every completed task).", valueName: "task-id"))
    var taskIDs: [String] = []

    @Option(help: "csv or jsonl.")
    var format: String = "csv"

    @Option(help: ArgumentHelp("Write to this file (atomically) instead of standard output.", valueName: "file"))
    var output: String?

    func validate() throws {
        guard Exporter.formats.contains(format.lowercased()) else {
            throw ValidationError("--format must be csv or jsonl, got '\(format)'")
        }
    }

    func run() async throws {
        let services = try global.services()
        let (text, rows): (String, Int)
        do {
            (text, rows) = try await Exporter(layout: services.layout, parse: services.parse).export(taskIDs, format: format)
        } catch let error as GalleryError {
            printError(error.message)
            throw ExitCode(1)
        }
        if let output {
            try Exporter.write(text, toPath: output)
            printError("wrote \(rows) persona(s) to \(output)")
        } else {
            FileHandle.standardOutput.write(Data(text.utf8))
        }
    }
}

/// A file:// URL for a local path, percent-encoded.
enum FileURL {
    static func of(path: String) -> String {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        return URL(fileURLWithPath: absolute).standardizedFileURL.absoluteString
    }
}
