import Foundation

/// UTC days and timestamps, the units of the daily budget and `spend`.
public enum SpendDay {
    /// "2026-11-30T14:05:09Z".
    public static func timestamp(_ date: Date) -> String {
        let f = ISO8601DateFormatter()
        f.timeZone = TimeZone(identifier: "UTC")
        return f.string(from: date)
    }

    /// "2026-11-30" of `date` in UTC.
    public static func day(_ date: Date) -> String {
        String(timestamp(date).prefix(10))
    }

    /// The UTC day of a timestamp written by `timestamp`, or nil.
    public static func day(ofTimestamp text: String) -> String? {
        text.count >= 10 && text.dropFirst(4).first == "-" ? String(text.prefix(10)) : nil
    }

    /// The next UTC midnight after `date`, when a daily budget opens again.
    public static func nextMidnight(after date: Date) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let start = calendar.startOfDay(for: date)
        return calendar.date(byAdding: .day, value: 1, to: start)!
    }
}
