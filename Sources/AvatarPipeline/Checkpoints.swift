/// The file names of a task folder (DESIGN.md §2). Each file is a
/// checkpoint: a step whose file exists is never run again (`PersonaStep`).
public enum TaskFiles {
    public static let task = "task.json"
    public static let personas = "personas.json"
    public static let result = "result.json"
    public static let error = "error.json"
    /// The task's page and contact sheets, written when it finishes.
    public static let page = "index.html"
    public static let contactSheet = "contact-sheet.png"
    /// contact-sheet.png, contact-sheet-2.png, … (one per `n`, 1-based).
    public static func contactSheet(_ n: Int) -> String { n == 1 ? contactSheet : "contact-sheet-\(n).png" }
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
    /// Thumbnails (made after step 5): of base.png, and of image_0 … image_3.
    public var thumbBase: String { folder + "/thumb_base.png" }
    public func thumb(_ k: Int) -> String { folder + "/thumb_\(k).png" }
    /// Every thumbnail with the full-size image it is made from, base first.
    public var thumbnails: [(thumb: String, original: String)] {
        [(thumbBase, base)] + (0..<4).map { (thumb($0), image($0)) }
    }
    /// Public URLs recorded by steps 3 and 7.
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
