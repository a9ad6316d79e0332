/// The one line systemd shows as the unit's status (`systemctl status`):
/// `pending 3, working 2 (7/20 personas), completed 41, failed 1`.
public struct ServiceStatusLine: Sendable, Equatable {
    public var pending: Int
    public var working: Int
    public var personasDone: Int
    public var personasTotal: Int
    public var completed: Int
    public var failed: Int
    public var held: Int
    public var stalled: Int
    /// When paid requests wait for the daily budget: until when (a time stamp).
    public var budgetReachedUntil: String?

    public init(pending: Int = 0, working: Int = 0, personasDone: Int = 0, personasTotal: Int = 0,
                completed: Int = 0, failed: Int = 0, held: Int = 0, stalled: Int = 0) {
        self.pending = pending
        self.working = working
        self.personasDone = personasDone
        self.personasTotal = personasTotal
        self.completed = completed
        self.failed = failed
        self.held = held
        self.stalled = stalled
    }

    public var text: String {
        var parts = ["pending \(pending)", "working \(working) (\(personasDone)/\(personasTotal) personas)",
                     "completed \(completed)", "failed \(failed)"]
        if held > 0 { parts.append("held \(held)") }
        if stalled > 0 { parts.append("stalled \(stalled)") }
        if let budgetReachedUntil { parts.append("daily budget reached until \(budgetReachedUntil)") }
        return parts.joined(separator: ", ")
    }
}
