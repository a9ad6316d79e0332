/// Thrown when the lease of a task (AVATAR_LEASES=postgres) is no longer
/// this processor's: every guarded write refuses, the pipeline stops without
/// recording anything (it is not a persona failure), and another host
/// resumes the task where its files say.
public struct LeaseLost: Error, CustomStringConvertible, Sendable {
    public var name: String
    public var reason: String
    public init(name: String, reason: String) {
        self.name = name
        self.reason = reason
    }
    public var description: String { "\(name): lease lost (\(reason)); this processor stopped touching it" }
}

