import AvatarDomain
import Foundation

/// A task folder in memory: the test kit's `TaskWorkspace`, so pipeline
/// tests run without the file system. Writes are instant and always
/// "durable"; each gets the next tick of a counter as its time, so the
/// order of writes shows in `modificationDate`.
final class MemoryWorkspace: TaskWorkspace, @unchecked Sendable {
    // Confinement: `files`, `written`, `current`, `moves` and `tick` only under `lock`.
    private let lock = NSLock()
    private var files: [String: [UInt8]] = [:]
    private var written: [String: Date] = [:]
    private var current: TaskStage
    private var moves: [TaskStage] = []
    private var tick = 0
    let taskID: String

    init(taskID: String = "memory-task", stage: TaskStage = .generatingImages) {
        self.taskID = taskID
        self.current = stage
    }

    var stage: TaskStage { lock.withLock { current } }
    func read(_ path: String) async throws -> [UInt8]? { lock.withLock { files[path] } }
    func write(_ path: String, _ bytes: [UInt8]) async throws { lock.withLock { store(path, bytes) } }
    func writeAll(_ list: [(path: String, bytes: [UInt8])]) async throws {
        lock.withLock { for f in list { store(f.path, f.bytes) } }
    }
    func exists(_ path: String) -> Bool { lock.withLock { files[path] != nil } }
    func modificationDate(_ path: String) -> Date? { lock.withLock { written[path] } }
    func remove(_ path: String) throws {
        lock.withLock {
            files.removeValue(forKey: path)
            written.removeValue(forKey: path)
        }
    }
    /// No file is on disk: a path that anything opens is not found.
    func absolutePath(_ path: String) -> String { "/nonexistent/memory/\(taskID)/\(path)" }
    func transition(to stage: TaskStage) async throws {
        try lock.withLock {
            guard current == stage || current.canMove(to: stage) else {
                throw TaskTransitionError(taskID: taskID, from: current, to: stage)
            }
            if current != stage { moves.append(stage) }
            current = stage
        }
    }

    /// Must hold `lock`.
    private func store(_ path: String, _ bytes: [UInt8]) {
        tick += 1
        files[path] = bytes
        written[path] = Date(timeIntervalSince1970: Double(tick))
    }

    // MARK: for the tests

    func put(_ path: String, _ text: String) { lock.withLock { store(path, Array(text.utf8)) } }
    /// A file as text; nil when missing.
    func text(_ path: String) -> String? { lock.withLock { files[path].map { String(decoding: $0, as: UTF8.self) } } }
    /// A JSON object file, parsed.
    func json(_ path: String) -> [String: Any]? {
        guard let bytes = lock.withLock({ files[path] }) else { return nil }
        return try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any]
    }
    /// Every path held, sorted.
    var paths: [String] { lock.withLock { files.keys.sorted() } }
    /// The stages the task moved into, in order.
    var transitions: [TaskStage] { lock.withLock { moves } }
}
