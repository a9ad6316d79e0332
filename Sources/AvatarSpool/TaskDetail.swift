import AvatarDomain
import AvatarPipeline
import AvatarSpoolEngine
import AvatarTask
import Foundation

/// `status TASK_ID`: one task in detail, from its folder.
public struct TaskDetail: Codable, Sendable {
    public struct PersonaLine: Codable, Sendable {
        public var index: Int
        public var name: String?
        public var status: String
        public var nextStep: Int
        public var baseURL: String?
        public var error: String?

        enum CodingKeys: String, CodingKey {
            case index, name, status, nextStep = "next_step", baseURL = "base_url", error
        }
    }

    public var taskID: String
    public var status: String
    public var folder: String
    public var total: Int
    public var done: Int
    public var failed: Int
    public var step: String
    public var error: String?
    public var personas: [PersonaLine]

    enum CodingKeys: String, CodingKey {
        case taskID = "task_id", status, folder, total, done, failed, step, error, personas
    }

    /// - Returns: nil when no status folder holds `id`.
    public static func make(id: String, layout: SpoolLayout, parse: @escaping @Sendable ([UInt8]) -> TaskSpec?) async throws -> TaskDetail? {
        guard TaskID.isValid(id), let stage = layout.locate(id) else { return nil }
        let folder = try TaskFolder.open(layout: layout, stage: stage, id: id)
        let s = try await TaskSnapshot.read(from: folder, parse: parse)
        return TaskDetail(
            taskID: id, status: stage.rawValue, folder: folder.path, total: s.total, done: s.succeeded,
            failed: s.failed, step: s.currentStep, error: s.errorLog,
            personas: s.personas.map {
                PersonaLine(index: $0.index, name: $0.persona?.fullName, status: $0.state.rawValue,
                            nextStep: $0.nextStep, baseURL: $0.urls.base, error: $0.failure?.message)
            })
    }

    public var text: String {
        var out = "task \(taskID): \(status) — personas \(done)/\(total) done" + (failed > 0 ? ", \(failed) failed" : "") + "\n"
        out += "folder: \(folder)\n"
        if let error { out += "errors:\n" + error.split(separator: "\n").map { "  \($0)\n" }.joined() }
        for p in personas {
            out += "  \(p.index). \(p.name ?? "(no data yet)") — \(p.status)"
            if p.status == "in_progress", let step = PersonaStep(rawValue: p.nextStep) {
                out += " (next: \(step.label))"
            }
            if let e = p.error { out += ": \(e)" }
            out += "\n"
        }
        return out
    }
}
