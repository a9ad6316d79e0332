import AvatarSystem
import Foundation

/// A task reached completed/ or failed/: what the on-finish program gets in
/// its environment and the webhook in its JSON body.
public struct FinishEvent: Sendable, Codable, Equatable {
    public var event = "task.finished"
    public var taskID: String
    /// "completed" or "failed".
    public var status: String
    /// The task folder, absolute.
    public var taskDir: String
    /// result.json in it (absent for a task that failed before its pipeline ran).
    public var result: String
    public var personas: Int?
    public var succeeded: Int?
    public var failed: Int?
    /// The error message, for a failed task (secrets masked).
    public var error: String?
    public var finishedAt: String

    public init(taskID: String, status: String, taskDir: String, personas: Int? = nil, succeeded: Int? = nil,
                failed: Int? = nil, error: String? = nil, finishedAt: Date = Date()) {
        self.taskID = taskID
        self.status = status
        self.taskDir = taskDir
        self.result = taskDir + "/result.json"
        self.personas = personas
        self.succeeded = succeeded
        self.failed = failed
        self.error = error
        self.finishedAt = ISO8601DateFormatter().string(from: finishedAt)
    }

    enum CodingKeys: String, CodingKey {
        case event, taskID = "task_id", status, taskDir = "task_dir", result, personas, succeeded, failed, error
        case finishedAt = "finished_at"
    }

    /// The on-finish program's variables (added to a minimal environment).
    public var environment: [String: String] {
        ["AVATAR_TASK_ID": taskID, "AVATAR_TASK_STATUS": status, "AVATAR_TASK_DIR": taskDir, "AVATAR_RESULT": result]
    }

    /// Compact JSON, keys sorted: the webhook body (and what is signed).
    public func json() -> [UInt8] {
        return (try? JSONCoding.compactBytes(self)) ?? Array("{}".utf8)
    }
}
