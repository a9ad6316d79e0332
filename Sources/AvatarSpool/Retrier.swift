import AvatarDomain
import AvatarPipeline
import AvatarSpoolEngine
import AvatarSystem
import AvatarTask
import Foundation

/// `retry`: sends a failed task, or a completed one with failed personas,
/// back through the pipeline. Only what is missing is generated or stored
/// again: the error files go, the checkpoints stay.
public struct Retrier: Sendable {
    public let layout: SpoolLayout
    public let parse: @Sendable ([UInt8]) -> TaskSpec?

    public init(layout: SpoolLayout, parse: @escaping @Sendable ([UInt8]) -> TaskSpec?) {
        self.layout = layout
        self.parse = parse
    }

    /// - Returns: how many personas will be redone.
    /// - Throws: `RetryError` saying why the task cannot be retried.
    public func retry(_ id: String) async throws -> (folder: TaskFolder, personas: Int) {
        guard TaskID.isValid(id), let stage = layout.locate(id) else {
            throw RetryError(message: "no task '\(id)' in \(layout.root)")
        }
        guard stage.isTerminal else {
            throw RetryError(message: "task '\(id)' is in \(stage.rawValue)/: it is still being processed")
        }
        guard let folder = try TaskFolder.lock(layout: layout, stage: stage, id: id) else {
            throw RetryError(message: "task '\(id)' is locked by another process")
        }
        guard let bytes = try await folder.read(TaskFiles.task), parse(bytes) != nil else {
            throw RetryError(message: "task '\(id)' was refused at validation (see \(folder.path)/error.json): fix the file and submit it again under a new name")
        }
        let snapshot = try await TaskSnapshot.read(from: folder, parse: parse)
        let redo = snapshot.personas.filter { $0.state != .completed }
        if stage == .completed && redo.isEmpty {
            throw RetryError(message: "task '\(id)' completed with every persona: nothing to retry")
        }
        for p in redo { try folder.remove(PersonaFiles(p.index).error) }
        try folder.remove(TaskFiles.error)
        try folder.remove(TaskFiles.result)
        let dataMissing = snapshot.personas.contains { $0.persona == nil }
        try await folder.transition(to: dataMissing ? .generatingData : .dataGenerated)
        return (folder, redo.count)
    }
}

public struct RetryError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
