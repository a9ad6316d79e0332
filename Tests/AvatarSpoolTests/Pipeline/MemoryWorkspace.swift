import AvatarDomain
import Foundation

/// A task folder in memory, for tests of what the pipeline reads from files.
final class MemoryWorkspace: TaskWorkspace, @unchecked Sendable {
    // Confinement: `files` and `current` only under `lock`.
    private let lock = NSLock()
    private var files: [String: [UInt8]] = [:]
    private var current: TaskStage
    let taskID: String

    init(taskID: String = "memory-task", stage: TaskStage = .generatingImages) {
        self.taskID = taskID
        self.current = stage
    }

    var stage: TaskStage { lock.withLock { current } }
    func read(_ path: String) async throws -> [UInt8]? { lock.withLock { files[path] } }
    func write(_ path: String, _ bytes: [UInt8]) async throws { lock.withLock { files[path] = bytes } }
    func writeAll(_ list: [(path: String, bytes: [UInt8])]) async throws {
        lock.withLock { for f in list { files[f.path] = f.bytes } }
    }
    func exists(_ path: String) -> Bool { lock.withLock { files[path] != nil } }
    func modificationDate(_ path: String) -> Date? { exists(path) ? Date(timeIntervalSince1970: 0) : nil }
    func remove(_ path: String) throws { _ = lock.withLock { files.removeValue(forKey: path) } }
    func absolutePath(_ path: String) -> String { "/nonexistent/memory/\(taskID)/\(path)" }
    func transition(to stage: TaskStage) async throws {
        let from = self.stage
        guard from == stage || from.canMove(to: stage) else { throw TaskTransitionError(taskID: taskID, from: from, to: stage) }
        lock.withLock { current = stage }
    }

    func put(_ path: String, _ text: String) { lock.withLock { files[path] = Array(text.utf8) } }
}
