import AvatarDomain
import AvatarPages
import AvatarPipeline
import AvatarSpoolEngine
import AvatarSystem
import AvatarTask

/// `export`: one row per persona of the chosen tasks, read from their
/// folders (the truth): task id, index, every persona field, the image
/// prompt, status, error and every URL.
public struct Exporter: Sendable {
    public let layout: SpoolLayout
    public let parse: @Sendable ([UInt8]) -> TaskSpec?

    public init(layout: SpoolLayout, parse: @escaping @Sendable ([UInt8]) -> TaskSpec?) {
        self.layout = layout
        self.parse = parse
    }

    public static let columns = [
        "task_id", "persona_index", "status", "firstname", "lastname", "gender", "age", "country", "city",
        "occupation", "bio", "image_prompt", "error_step", "error", "base_image_url",
        "image_1_url", "image_2_url", "image_3_url", "image_4_url",
        "base_thumb_url", "thumb_1_url", "thumb_2_url", "thumb_3_url", "thumb_4_url",
    ]

    /// - Parameter ids: the tasks; empty: every completed task.
    /// - Throws: `GalleryError` naming a task that is not in the spool.
    public func table(_ ids: [String]) async throws -> ExportTable {
        var table = ExportTable(columns: Self.columns)
        for (stage, id) in try Tasks.choose(ids, layout: layout) {
            let folder = try TaskFolder.open(layout: layout, stage: stage, id: id)
            let s = try await TaskSnapshot.read(from: folder, parse: parse)
            for p in s.personas { table.rows.append(Self.row(taskID: id, p)) }
        }
        return table
    }

    /// "csv", "jsonl".
    public static let formats = ExportTable.Format.allCases.map(\.rawValue)

    /// The chosen tasks' personas as text in `format` (one of `formats`).
    public func export(_ ids: [String], format: String) async throws -> (text: String, rows: Int) {
        guard let f = ExportTable.Format(rawValue: format.lowercased()) else {
            throw GalleryError(message: "--format must be csv or jsonl, got '\(format)'")
        }
        let t = try await table(ids)
        return (t.render(f), t.rows.count)
    }

    /// Writes an export atomically (temp name, fsync, rename).
    public static func write(_ text: String, toPath path: String) throws {
        try AtomicFile.write(Array(text.utf8), toPath: path)
    }

    static func row(taskID: String, _ p: PersonaSnapshot) -> [String?] {
        let q = p.persona
        func at(_ list: [String], _ k: Int) -> String? { k < list.count ? list[k] : nil }
        return [taskID, String(p.index), p.state.rawValue, q?.firstname, q?.lastname, q?.gender, q.map { String($0.age) },
                q?.country, q?.city, q?.occupation, q?.bio, p.prompt, p.failure?.step, p.failure?.message, p.urls.base]
            + (0..<4).map { at(p.urls.images, $0) }
            + [p.urls.baseThumb] + (0..<4).map { at(p.urls.thumbs, $0) }
    }
}

/// Which tasks a gallery command works on.
enum Tasks {
    /// The named tasks where they are, or every completed task when none is named.
    static func choose(_ ids: [String], layout: SpoolLayout) throws -> [(TaskStage, String)] {
        if ids.isEmpty { return layout.taskIDs(in: .completed).map { (.completed, $0) } }
        return try ids.map { id in
            guard TaskID.isValid(id), let stage = layout.locate(id) else {
                throw GalleryError(message: "no task '\(id)' in \(layout.root) (avatar-spool status lists them)")
            }
            return (stage, id)
        }
    }
}

public struct GalleryError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
