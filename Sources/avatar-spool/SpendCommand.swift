import ArgumentParser
import AvatarSpend
import AvatarSpool
import Foundation

struct SpendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "spend",
        abstract: "Show the money spent per day, per provider and model, and per task.",
        discussion: """
            Sums the cost recorded with every image request in the task folders (persona_<n>/usage.json), priced from the price table when the answer arrived. Requests of a model with no known price are counted, never taken as 0. Flowise and the builtin providers cost nothing here.

            Example:
              avatar-spool spend --since 2026-11-01
              avatar-spool spend --json | jq .total_usd
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("Only spend on or after this UTC day.", valueName: "YYYY-MM-DD"))
    var since: String?

    @Flag(help: "Print JSON.")
    var json = false

    func validate() throws {
        if let since, since.count != 10 || ISO8601DateFormatter().date(from: since + "T00:00:00Z") == nil {
            throw ValidationError("--since \(since) is not a day written YYYY-MM-DD (such as 2026-11-01)")
        }
    }

    func run() async throws {
        let services = try global.services()
        let report = SpendReport(SpendScan.entries(in: services.layout), since: since)
        if json {
            try printJSON(report)
        } else {
            print(report.text, terminator: "")
        }
    }
}
