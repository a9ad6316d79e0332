import AvatarSystem
import Foundation

/// The optional config file: `KEY=VALUE` lines (an env file, as systemd's
/// EnvironmentFile reads it); `#` starts a comment; values may be quoted.
public enum ConfigFile {
    /// - Throws: `SettingsError` for an unreadable file or a malformed line (with its number).
    public static func load(path: String) throws -> [String: String] {
        guard let bytes = try AtomicFile.read(path, in: AT_FDCWD, limit: 1 << 20) else {
            throw SettingsError(variable: "--config", message: "names \(path), which does not exist")
        }
        return try parse(String(decoding: bytes, as: UTF8.self), path: path)
    }

    public static func parse(_ text: String, path: String = "config") throws -> [String: String] {
        var values: [String: String] = [:]
        for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("export ") { line = String(line.dropFirst(7)) }
            guard let eq = line.firstIndex(of: "="), eq != line.startIndex else {
                throw SettingsError(variable: "\(path):\(n + 1)", message: "is not KEY=VALUE")
            }
            let key = line[..<eq].trimmingCharacters(in: .whitespaces)
            var value = line[line.index(after: eq)...].trimmingCharacters(in: .whitespaces)
            if value.count >= 2, let q = value.first, q == "\"" || q == "'", value.last == q {
                value = String(value.dropFirst().dropLast())
            }
            values[key] = value
        }
        return values
    }
}
