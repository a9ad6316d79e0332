import AvatarTask

/// What the processor thinks of a task file's bytes. Supplied by the
/// composition root, which knows the image provider's sizes.
public enum Admission: Sendable {
    case valid(TaskSpec)
    /// `incomplete` means the bytes do not parse (yet): a writer may still be
    /// at work. `taskID` is an explicit, valid `task_id` found in the file.
    case invalid(taskID: String?, message: String, issues: [ValidationIssue], incomplete: Bool)
}

public typealias Admit = @Sendable (_ bytes: [UInt8], _ fileName: String) -> Admission

/// The `error.json` of a task refused before it ran.
public struct RejectionReport: Codable, Sendable {
    public var taskID: String
    /// Always "validation" here; the pipeline writes other stages.
    public var stage: String = "validation"
    /// The name the file had in pending/.
    public var file: String
    public var message: String
    public var issues: [ValidationIssue]

    enum CodingKeys: String, CodingKey {
        case taskID = "task_id", stage, file, message, issues
    }
}
