import ArgumentParser
import Foundation

/// `avatar-spool statu --spool X` would otherwise be answered about the
/// option ("Unknown option '--spool'"), not about the misspelt command: say
/// which command was not understood, and the nearest one.
enum UnknownCommand {
    /// The message for `first`, when it is neither an option nor a command; nil otherwise.
    static func message(_ first: String, commands: [String]) -> String? {
        guard !first.hasPrefix("-"), !commands.contains(first), first != "help" else { return nil }
        let nearest = commands.map { ($0, distance(first, $0)) }.min { $0.1 < $1.1 }
        let hint = nearest.flatMap { $0.1 <= max(2, first.count / 3) ? " Did you mean '\($0.0)'?" : nil } ?? ""
        return "Error: '\(first)' is not an avatar-spool command.\(hint) (`avatar-spool --help` lists them.)"
    }

    /// Levenshtein distance between two short words.
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var row = Array(0...b.count)
        for i in 1...max(1, a.count) where !a.isEmpty {
            var previous = row[0]
            row[0] = i
            for j in 1...max(1, b.count) where !b.isEmpty {
                let current = row[j]
                row[j] = min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] == b[j - 1] ? 0 : 1))
                previous = current
            }
        }
        return row[b.count]
    }
}

extension AvatarSpoolCommand {
    static func main() async {
        let commands = configuration.subcommands.map { $0._commandName }
        if let first = CommandLine.arguments.dropFirst().first, let message = UnknownCommand.message(first, commands: commands) {
            FileHandle.standardError.write(Data((message + "\n").utf8))
            Glibc.exit(64) // EX_USAGE
        }
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}
