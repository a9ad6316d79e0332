import AvatarConfig
import Foundation

/// Writes a line to standard error, credentials in URLs masked.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((Settings.maskURLs(in: text) + "\n").utf8))
}

/// Pretty JSON for `--json` output.
func printJSON<T: Encodable>(_ value: T) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
}
