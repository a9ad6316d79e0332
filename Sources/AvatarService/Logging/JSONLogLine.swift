import AvatarTask
import Foundation
import Logging

/// One log line as a JSON object (AVATAR_LOG_FORMAT=json), for Loki or
/// Elasticsearch: time, level, message, and the task, persona and step
/// read from the pipeline's `[Task id] [First Last] Step k/7: …` prefix;
/// the logger's metadata as further string fields. Secrets are masked by
/// the caller before this sees the text.
public enum JSONLogLine {
    public static func render(time: Date, level: Logger.Level, label: String, source: String,
                              message: String, metadata: [String: String]) -> String {
        var fields: [(String, String)] = [
            ("time", timestamp(time)), ("level", level.rawValue), ("message", message),
            ("logger", label), ("source", source),
        ]
        let parsed = parse(message)
        if let task = parsed.task { fields.append(("task", task)) }
        if let persona = parsed.persona { fields.append(("persona", persona)) }
        if let step = parsed.step { fields.append(("step", step)) }
        let reserved = Set(fields.map(\.0))
        for (key, value) in metadata.sorted(by: { $0.key < $1.key }) where !reserved.contains(key) {
            fields.append((key, value))
        }
        return "{" + fields.map { "\(JSONValue.quote($0.0)):\(JSONValue.quote($0.1))" }.joined(separator: ",") + "}"
    }

    /// "[Task t1] [Anna Weber] Step 3/7: …" → ("t1", "Anna Weber", "3").
    static func parse(_ message: String) -> (task: String?, persona: String?, step: String?) {
        var rest = Substring(message)
        var task: String?, persona: String?, step: String?
        if rest.hasPrefix("[Task "), let close = rest.firstIndex(of: "]") {
            task = String(rest[rest.index(rest.startIndex, offsetBy: 6)..<close])
            rest = rest[rest.index(after: close)...].drop { $0 == " " }
            if rest.hasPrefix("["), let end = rest.firstIndex(of: "]") {
                persona = String(rest[rest.index(after: rest.startIndex)..<end])
                rest = rest[rest.index(after: end)...].drop { $0 == " " }
            }
            if rest.hasPrefix("Step "), let slash = rest.firstIndex(of: "/") {
                step = String(rest[rest.index(rest.startIndex, offsetBy: 5)..<slash])
            }
        }
        return (task, persona, step)
    }

    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }
}
