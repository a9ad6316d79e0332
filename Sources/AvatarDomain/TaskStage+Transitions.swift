/// Which status folder a task may move to from which (DESIGN.md §2): the one
/// table every move of a task folder is checked against (`TaskFolder.transition`,
/// used by the runner, `retry` and the processor's give-up path, and by the
/// claim, which places a task in generating-data/ or failed/).
extension TaskStage {
    public var allowedNext: Set<TaskStage> {
        switch self {
        case .pending: [.generatingData, .failed]
        case .generatingData: [.dataGenerated, .failed]
        // From data-generated and generating-images back to generating-data
        // when a persona's data is missing (after `retry`, or removed by hand).
        case .dataGenerated: [.generatingData, .generatingImages, .completed, .failed]
        case .generatingImages: [.generatingData, .completed, .failed]
        // `retry`: back to whichever stage has work left.
        case .completed, .failed: [.generatingData, .dataGenerated]
        }
    }

    public func canMove(to next: TaskStage) -> Bool { allowedNext.contains(next) }
}

/// A move the table does not allow: a bug, never a user's mistake.
public struct TaskTransitionError: Error, CustomStringConvertible {
    public var taskID: String
    public var from: TaskStage
    public var to: TaskStage

    public init(taskID: String, from: TaskStage, to: TaskStage) {
        self.taskID = taskID
        self.from = from
        self.to = to
    }

    public var description: String {
        "task \(taskID): no transition from \(from.rawValue)/ to \(to.rawValue)/ (allowed: \(from.allowedNext.map(\.rawValue).sorted().joined(separator: ", ")))"
    }
}
