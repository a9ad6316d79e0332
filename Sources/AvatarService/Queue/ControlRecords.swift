import AvatarSystem
import Foundation

/// `control.json`, written into a running task's folder by `hold` or
/// `cancel` from another process; the processor that owns the task polls
/// for it and acts (hold: at the next step boundary; cancel: at once).
public struct ControlRequest: Codable, Sendable, Equatable {
    public static let fileName = "control.json"

    public enum Action: String, Codable, Sendable { case hold, cancel }
    public var action: Action
    public var reason: String?
    public var requestedAt: String

    public init(action: Action, reason: String? = nil, requestedAt: Date = Date()) {
        self.action = action
        self.reason = reason
        self.requestedAt = ISO8601DateFormatter().string(from: requestedAt)
    }

    enum CodingKeys: String, CodingKey { case action, reason, requestedAt = "requested_at" }
}

/// `hold.json` in a held task folder: where it was held from, so `release`
/// puts it back there.
public struct HoldRecord: Codable, Sendable, Equatable {
    public static let fileName = "hold.json"
    public var from: String
    public var heldAt: String

    public init(from: String, heldAt: Date = Date()) {
        self.from = from
        self.heldAt = ISO8601DateFormatter().string(from: heldAt)
    }

    enum CodingKeys: String, CodingKey { case from, heldAt = "held_at" }
}

/// `error.json` of a cancelled task: the index's `error_log` shows `message`.
public struct CancelReport: Codable, Sendable, Equatable {
    public var taskID: String
    public var stage = "cancelled"
    public var message: String
    public var cancelled = true
    public var cancelledAt: String
    public var reason: String?
    /// The folder it was cancelled in.
    public var from: String

    public init(taskID: String, reason: String?, from: String, at date: Date = Date()) {
        let when = ISO8601DateFormatter().string(from: date)
        self.taskID = taskID
        self.cancelledAt = when
        self.reason = reason
        self.from = from
        self.message = "cancelled by an operator at \(when) in \(from)" + (reason.map { ": \($0)" } ?? "")
    }

    enum CodingKeys: String, CodingKey {
        case taskID = "task_id", stage, message, cancelled, cancelledAt = "cancelled_at", reason, from
    }

    public func json() -> [UInt8] {
        return (try? JSONCoding.fileBytes(self)) ?? []
    }
}
