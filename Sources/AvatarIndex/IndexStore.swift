/// What the composition root needs of the index, whichever engine holds it:
/// SQLite beside the spool (`SpoolIndex`) or PostgreSQL (`PostgresIndex`).
/// Both take the same rows (`IndexedTask`, derived from a task folder by
/// IndexMapping) and answer in the same shape.
public protocol IndexStore: Sendable {
    /// Where the index lives, safe to print: a path, or the URL with its password masked.
    var location: String { get }
    /// True when the store's file was deleted while we ran (SQLite only).
    var isDeleted: Bool { get }
    /// Replaces one task's rows.
    func sync(_ task: IndexedTask) async throws
    /// Makes the index hold exactly `tasks` (reindex).
    func rebuild(_ tasks: [IndexedTask]) async throws
    /// task_id → status for every indexed task.
    func statuses() async throws -> [String: String]
    /// Removes tasks (and their results) whose folders are gone.
    func delete(taskIDs: [String]) async throws
    /// Every task, for the spool page.
    func summaries() async throws -> [TaskSummary]
    /// Every task with its results, ordered, without ids and update times:
    /// what `reindex` must reproduce.
    func dump() async throws -> [[String: String]]
    /// A read-only query (tests, operators' checks); `?`-style for SQLite, `$1` for PostgreSQL.
    func query(_ sql: String, _ arguments: [String]) async throws -> [[String: String]]
}

extension SpoolIndex: IndexStore {
    public var location: String { path }
}
