import Foundation

/// "Now", for the daily budget. `AVATAR_CLOCK_FILE` is a test switch: a
/// file holding an ISO 8601 time that is read as "now" each time (so a test
/// moves a running processor to the next day without waiting for one).
public struct SpendClock: Sendable {
    let file: String?

    public init(file: String? = nil) {
        self.file = file
    }

    public var now: Date {
        if let file, let text = try? String(contentsOfFile: file, encoding: .utf8),
           let date = ISO8601DateFormatter().date(from: text.trimmingCharacters(in: .whitespacesAndNewlines)) {
            return date
        }
        return Date()
    }

    public var today: String { SpendDay.day(now) }
}
