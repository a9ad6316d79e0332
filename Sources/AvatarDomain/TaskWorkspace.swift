import AvatarTask
import Foundation

/// The status folders a task moves through (DESIGN.md §2), as the pipeline sees them.
public enum TaskStage: String, Sendable, CaseIterable, Codable {
    case pending
    case generatingData = "generating-data"
    case dataGenerated = "data-generated"
    case generatingImages = "generating-images"
    case completed
    case failed

    public var isTerminal: Bool { self == .completed || self == .failed }
}

/// A claimed task's folder. Every write is durable before it returns (temp
/// name, fsync, rename, fsync of the folder); `transition` is one rename of
/// the folder into another status folder.
public protocol TaskWorkspace: AnyObject, Sendable {
    var taskID: String { get }
    var stage: TaskStage { get }

    /// Reads `path` (relative to the task folder); nil when it is missing.
    func read(_ path: String) async throws -> [UInt8]?
    /// Writes `path` atomically and durably, creating its folder when needed.
    func write(_ path: String, _ bytes: [UInt8]) async throws
    /// Writes several files of one folder, each atomically and durably, with
    /// one sync of the folder.
    func writeAll(_ files: [(path: String, bytes: [UInt8])]) async throws
    func exists(_ path: String) -> Bool
    /// When `path` was last written; nil when it is missing.
    func modificationDate(_ path: String) -> Date?
    func remove(_ path: String) throws
    /// Where `path` is on disk now (valid until the next transition).
    func absolutePath(_ path: String) -> String
    /// Moves the folder into the status folder of `stage` (one rename).
    func transition(to stage: TaskStage) async throws
}
