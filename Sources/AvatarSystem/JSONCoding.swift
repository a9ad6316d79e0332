import Foundation

/// The one JSON style of everything we write: files people read (task
/// folders, reports, records, `--json` output) are pretty, keys sorted,
/// slashes unescaped and end with a newline; values stored inside other
/// text (index columns, hook events, the ledger) are compact, keys sorted.
public enum JSONCoding {
    public static func fileBytes(_ value: some Encodable) throws -> [UInt8] {
        Array(try pretty.encode(value)) + [0x0A]
    }

    public static func compactBytes(_ value: some Encodable) throws -> [UInt8] {
        Array(try compact.encode(value))
    }

    public static func text(_ value: some Encodable) throws -> String {
        String(decoding: try pretty.encode(value), as: UTF8.self)
    }

    // JSONEncoder is Sendable; these two are configured once and only encode.
    static let pretty: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return e
    }()

    static let compact: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }()
}
