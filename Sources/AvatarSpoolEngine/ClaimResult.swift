import AvatarDomain
import AvatarTask

/// What became of one entry of pending/.
public enum ClaimResult: Sendable {
    /// Claimed, in generating-data/<id>, locked by this process.
    case claimed(TaskFolder, TaskSpec)
    /// Moved into failed/<id> with an error.json.
    case rejected(id: String, reason: String)
    /// Same id, same bytes as a task already in the spool: removed.
    case duplicate(id: String, existing: TaskStage)
    /// Does not parse yet and was modified recently: look again after `retryAfter` seconds.
    case notReady(retryAfter: Double)
    /// Gone (another processor won it) or not a task name.
    case skipped
}
