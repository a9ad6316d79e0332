/// Why `hold`, `release` or `cancel` changed nothing; says what to do.
public struct QueueControlError: Error, CustomStringConvertible, Sendable {
    public var taskID: String
    public var message: String

    public init(_ taskID: String, _ message: String) {
        self.taskID = taskID
        self.message = message
    }

    public var description: String { "\(taskID): \(message)" }
}

/// What a queue-control command did to one task.
public enum QueueControlOutcome: Sendable, Equatable {
    /// Moved at once (from → to, folder names).
    case moved(from: String, to: String)
    /// A processor is running it: a control request was left for it.
    case requested(in: String)
    /// A hold request its processor had not acted on yet was taken back.
    case withdrawn(in: String)

    public var text: String {
        switch self {
        case .moved(let from, let to): "moved from \(from)/ to \(to)/"
        case .requested(let folder): "running in \(folder)/: its processor acts on the request (control.json)"
        case .withdrawn(let folder): "the hold request was withdrawn; it goes on in \(folder)/"
        }
    }
}
