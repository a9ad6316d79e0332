import ArgumentParser
import AvatarSpool
import AvatarService

struct GCCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gc",
        abstract: "Remove old finished tasks, their index rows and (with --objects) their images; sweep crash leftovers.",
        discussion: """
            Only completed/ and failed/ are looked at: an unfinished task is never touched. Ages: 30d, 12h, 90m, 45s. Temp files a crash left in objects/ and tmp/ more than an hour ago are always swept. Prints what it removed and the bytes freed.

            Example:
              avatar-spool gc --completed-older-than 30d --objects --dry-run
              avatar-spool gc --failed-older-than 7d
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("Remove completed tasks finished longer ago than AGE.", valueName: "age"))
    var completedOlderThan: String?

    @Option(help: ArgumentHelp("Remove failed tasks finished longer ago than AGE.", valueName: "age"))
    var failedOlderThan: String?

    @Flag(help: "Also remove the removed tasks' objects (local object store).")
    var objects = false

    @Flag(help: "Print what would be removed; remove nothing.")
    var dryRun = false

    func validate() throws {
        for (flag, value) in [("--completed-older-than", completedOlderThan), ("--failed-older-than", failedOlderThan)] {
            if let value, AgeParser.seconds(value) == nil {
                throw ValidationError("\(flag) takes an age such as 30d, 12h, 90m or 45s, got '\(value)'")
            }
        }
    }

    func run() async throws {
        let queue = QueueOperator(services: try global.services())
        let (plan, problems, s3Keys) = await queue.gc(
            completedOlderThan: completedOlderThan.flatMap(AgeParser.seconds),
            failedOlderThan: failedOlderThan.flatMap(AgeParser.seconds), objects: objects, dryRun: dryRun)
        let verb = dryRun ? "would remove" : "removed"
        for item in plan.tasks { print("\(verb) task \(item.taskID ?? "?") (\(item.path), \(item.bytes) bytes)") }
        for item in plan.objects { print("\(verb) objects \(item.path) (\(item.bytes) bytes)") }
        for item in plan.temporaries { print("\(verb) leftover \(item.path) (\(item.bytes) bytes)") }
        for key in s3Keys { print("\(verb) S3 object \(key)") }
        print("\(dryRun ? "would free" : "freed") \(plan.bytes) bytes (\(plan.tasks.count) tasks, \(plan.objects.count) object folders, "
              + "\(s3Keys.count) S3 objects, \(plan.temporaries.count) leftovers)")
        for problem in problems { printError("cannot remove \(problem)") }
        if !problems.isEmpty { throw ExitCode(1) }
    }
}
