import AvatarSystem
import ArgumentParser
import AvatarConfig
import Foundation

/// Writes a line to standard error, credentials in URLs masked.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((Settings.maskURLs(in: text) + "\n").utf8))
}

/// Pretty JSON for `--json` output.
func printJSON<T: Encodable>(_ value: T) throws {
    print(try JSONCoding.text(value))
}

/// Runs `body` for each task id, printing "verb id: what happened" or the
/// error; exit 1 when any failed (the others still ran).
func forEachTask(_ ids: [String], verb: String, _ body: (String) async throws -> String) async throws {
    var failed = false
    for id in ids {
        do {
            print("\(verb) \(id): \(try await body(id))")
        } catch {
            printError("\(verb) \(error)")
            failed = true
        }
    }
    if failed { throw ExitCode(1) }
}
