import AvatarTask
import Foundation

/// Rows of named text cells as CSV (RFC 4180: CRLF line ends, every field
/// with a comma, quote, CR or LF quoted, quotes doubled; UTF-8 without a
/// byte-order mark) or JSON Lines (one object per line; null for a missing cell).
public struct ExportTable: Sendable {
    public enum Format: String, Sendable, CaseIterable {
        case csv, jsonl
    }

    public var columns: [String]
    public var rows: [[String?]]

    public init(columns: [String], rows: [[String?]] = []) {
        self.columns = columns
        self.rows = rows
    }

    public func render(_ format: Format) -> String {
        switch format {
        case .csv: return csv
        case .jsonl: return jsonl
        }
    }

    public var csv: String {
        var out = columns.map(Self.csvField).joined(separator: ",") + "\r\n"
        for row in rows { out += row.map { Self.csvField($0 ?? "") }.joined(separator: ",") + "\r\n" }
        return out
    }

    public var jsonl: String {
        var out = ""
        for row in rows {
            var fields: [String] = []
            for (i, name) in columns.enumerated() {
                let v = i < row.count ? row[i] : nil
                fields.append(JSONValue.quote(name) + ":" + (v.map(JSONValue.quote) ?? "null"))
            }
            out += "{" + fields.joined(separator: ",") + "}\n"
        }
        return out
    }

    static func csvField(_ s: String) -> String {
        guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" || $0 == "\r\n" }) else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
