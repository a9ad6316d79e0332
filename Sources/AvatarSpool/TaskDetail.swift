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

    /// - Returns: nil when neither pending/ nor a status folder holds `id`.
    public static func make(id: String, layout: SpoolLayout, admit: @escaping Admit,
                            parse: @escaping @Sendable ([UInt8]) -> TaskSpec?) async throws -> TaskDetail? {
        guard TaskID.isValid(id) else { return nil }
        guard let stage = layout.locate(id) else {
            guard let waiting = layout.pendingTask(id, admit: admit) else { return nil }
            var total = 0
            var note: String?
            switch waiting.admission {
            case .valid(let spec): total = spec.count
            case .invalid(_, let message, _, _): note = "invalid, will be refused when claimed: \(message)"
            }
            return TaskDetail(taskID: id, status: TaskStage.pending.rawValue, folder: layout.folder(.pending) + "/" + waiting.name,
                              total: total, done: 0, failed: 0, step: "waiting to be claimed", error: note, personas: [])
        }
        let folder = try TaskFolder.open(layout: layout, stage: stage, id: id)
        let s = try await TaskSnapshot.read(from: folder, parse: parse)
        return TaskDetail(
            taskID: id, status: stage.rawValue, folder: folder.path, total: s.total, done: s.succeeded,
            failed: s.failed, step: s.currentStep, error: s.errorLog,
            personas: s.personas.map {
                PersonaLine(index: $0.index, name: $0.persona?.fullName ?? unreadable(folder, $0.index), status: $0.state.rawValue,
                            nextStep: $0.nextStep, baseURL: $0.urls.base, error: $0.failure?.message)
            })
    }

    /// "(persona_3/persona.json cannot be read: …)" when the file is there
    /// but does not decode; nil when it is simply not written yet.
    static func unreadable(_ folder: TaskFolder, _ index: Int) -> String? {
        let file = PersonaFiles(index).persona
        guard let bytes = try? folder.readSync(file) else { return nil }
        do {
            _ = try JSONDecoder().decode(Persona.self, from: Data(bytes))
            return nil
        } catch {
            return "(\(UnreadableFile(path: file, error: error)); `retry` generates it again)"
        }
    }

    public var text: String {
        if status == TaskStage.pending.rawValue {
            return "task \(taskID): pending — \(step) (\(folder))\n" + (error.map { "  \($0)\n" } ?? "")
        }
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
