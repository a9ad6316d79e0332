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
    /// Finds a task still in pending/ (`IDRule`), to say so.
    public let admit: Admit?

    public init(layout: SpoolLayout, parse: @escaping @Sendable ([UInt8]) -> TaskSpec?, admit: Admit? = nil) {
        self.layout = layout
        self.parse = parse
        self.admit = admit
    }

    /// - Returns: how many personas will be redone, and the checkpoint files
    ///   that could not be read and were set aside (`<file>.unreadable`) to be made again.
    /// - Throws: `RetryError` saying why the task cannot be retried.
    public func retry(_ id: String) async throws -> (folder: TaskFolder, personas: Int, setAside: [String]) {
        guard TaskID.isValid(id), let stage = layout.locate(id) else {
            if TaskID.isValid(id), let admit, let waiting = layout.pendingTask(id, admit: admit) {
                throw RetryError(message: "task '\(id)' is still in pending/\(waiting.name), not yet claimed: nothing to retry; a processor runs it when it claims it")
            }
            throw RetryError(message: "no task '\(id)' in \(layout.root) (neither in pending/ nor in a status folder)")
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
        let setAside = try setAsideUnreadable(folder, count: parse(bytes)?.count ?? 0)
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
        return (folder, redo.count, setAside)
    }

    /// Moves each persona checkpoint that is there but does not decode to
    /// `<file>.unreadable` (kept for a look), so its step runs again.
    func setAsideUnreadable(_ folder: TaskFolder, count: Int) throws -> [String] {
        var moved: [String] = []
        for n in stride(from: 1, through: count, by: 1) {
            let f = PersonaFiles(n)
            let checks: [(String, ([UInt8]) throws -> Void)] = [
                (f.persona, { _ = try JSONDecoder().decode(Persona.self, from: Data($0)) }),
                (f.urls, { _ = try JSONDecoder().decode(PersonaURLs.self, from: Data($0)) }),
                (f.usage, { _ = try JSONDecoder().decode(PersonaUsage.self, from: Data($0)) }),
            ]
            for (file, decode) in checks {
                guard let bytes = try folder.readSync(file) else { continue }
                do {
                    try decode(bytes)
                } catch {
                    try folder.writeSync(file + ".unreadable", bytes)
                    try folder.remove(file)
                    moved.append("\(UnreadableFile(path: file, error: error)); kept as \(file).unreadable")
                }
            }
        }
        return moved
    }
}

public struct RetryError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
