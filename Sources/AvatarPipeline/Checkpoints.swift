/// The file names of a task folder (DESIGN.md §2). Each file is a
/// checkpoint: a step whose file exists is never run again.
public enum TaskFiles {
    public static let task = "task.json"
    public static let personas = "personas.json"
    public static let result = "result.json"
    public static let error = "error.json"
}

/// The files of persona `n` (1-based), in `persona_<n>/`.
public struct PersonaFiles: Sendable {
    public let index: Int
    public init(_ index: Int) { self.index = index }

    public var folder: String { "persona_\(index)" }
    /// The persona's data, written as soon as it is generated.
    public var persona: String { folder + "/persona.json" }
    public var prompt: String { folder + "/prompt.txt" }
    public var base: String { folder + "/base.png" }
    public var grid: String { folder + "/grid.png" }
    public func image(_ k: Int) -> String { folder + "/image_\(k).png" }
    public var images: [String] { (0..<4).map(image) }
    /// Public URLs recorded after steps 3 and 6.
    public var urls: String { folder + "/urls.json" }
    /// Token usage of the base and grid requests, when the provider reports it.
    public var usage: String { folder + "/usage.json" }
    /// Why this persona failed (removed by `retry`).
    public var error: String { folder + "/error.json" }

    /// The S3 (or local object store) key of one of this persona's files:
    /// `{prefix}/task_{task_id}/persona_{n}/{file}`, as the old service wrote.
    public func key(prefix: String, taskID: String, file: String) -> String {
        let p = prefix.trimmingSlashes
        return (p.isEmpty ? "" : p + "/") + "task_\(taskID)/persona_\(index)/\(file)"
    }
}

extension String {
    var trimmingSlashes: String {
        var s = Substring(self)
        while s.hasPrefix("/") { s = s.dropFirst() }
        while s.hasSuffix("/") { s = s.dropLast() }
        return String(s)
    }
}
