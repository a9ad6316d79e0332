import AvatarDomain
import AvatarTask
import Foundation

/// Generates the personas whose `persona.json` is missing, at most
/// MULTITHREAD_FLOWISE at once, each written the moment it arrives; then
/// writes personas.json.
struct DataStage: Sendable {
    let context: PipelineContext
    /// How often a persona whose full name is already taken is asked for again.
    static let nameAttempts = 5

    func run(_ ws: TaskWorkspace, spec: TaskSpec) async throws {
        let names = NameRegistry()
        var missing: [Int] = []
        for n in 1...spec.count {
            let f = PersonaFiles(n)
            if let p = try await JSONFiles.read(Persona.self, f.persona, in: ws) {
                _ = await names.claim(p.fullName)
            } else if !ws.exists(f.error) {
                missing.append(n)
            }
        }
        if !missing.isEmpty {
            context.logger.info("[Task \(ws.taskID)] generating \(missing.count) of \(spec.count) personas with \(context.personas.name)")
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for n in missing {
                group.addTask {
                    if context.stopping.isRaised { throw Stopping() }
                    try await generate(n, ws: ws, spec: spec, names: names)
                }
            }
            try await group.waitForAll()
        }
        try await writeManifest(ws, spec: spec)
    }

    private func generate(_ n: Int, ws: TaskWorkspace, spec: TaskSpec, names: NameRegistry) async throws {
        let f = PersonaFiles(n)
        do {
            var persona: Persona?
            // Only a name the provider was told to avoid counts against it; a
            // name another persona claimed while this one was being made is a
            // race, and each race lost means another persona won one.
            var ignored = 0, races = 0
            while ignored < Self.nameAttempts && races <= spec.count {
                let (taken, folded) = await names.snapshot
                let candidate = try await context.dataLimiter.withPermit {
                    try await context.personas.persona(for: spec, index: n, avoiding: taken)
                }
                if await names.claim(candidate.fullName) {
                    persona = candidate
                    break
                }
                if folded.contains(PersonaNames.key(candidate.fullName)) { ignored += 1 } else { races += 1 }
            }
            guard let persona else {
                throw PersonaFailure(persona: n, name: nil, step: "data",
                                     message: "the provider kept returning names already used in this task")
            }
            try await JSONFiles.write(persona, f.persona, in: ws)
            context.logger.info("[Task \(ws.taskID)] [\(persona.fullName)] persona \(n)/\(spec.count) generated")
        } catch let error where Failures.isPersonaFailure(error) {
            var failure = Failures.describe(error, persona: n, name: nil, step: "data")
            failure.message = context.redact(failure.message)
            try await JSONFiles.write(failure, f.error, in: ws)
            context.logger.error("[Task \(ws.taskID)] persona \(n) failed in the data stage: \(failure.message)")
        }
        await context.onProgress(ws)
    }

    /// personas.json: every persona generated so far, in order.
    private func writeManifest(_ ws: TaskWorkspace, spec: TaskSpec) async throws {
        var list: [PersonaEntry] = []
        for n in 1...spec.count {
            if let p = try await JSONFiles.read(Persona.self, PersonaFiles(n).persona, in: ws) {
                list.append(PersonaEntry(index: n, persona: p))
            }
        }
        try await JSONFiles.write(list, TaskFiles.personas, in: ws)
    }
}

/// One element of personas.json.
struct PersonaEntry: Codable {
    var index: Int
    var persona: Persona

    func encode(to encoder: Encoder) throws {
        try persona.encode(to: encoder)
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(index, forKey: .index)
    }

    init(index: Int, persona: Persona) {
        self.index = index
        self.persona = persona
    }

    init(from decoder: Decoder) throws {
        persona = try Persona(from: decoder)
        index = try decoder.container(keyedBy: Key.self).decode(Int.self, forKey: .index)
    }

    enum Key: String, CodingKey { case index }
}

/// Full names already used in one task.
actor NameRegistry {
    /// The names as generated: what providers get as `avoiding`, and
    /// compare with the names they make.
    private(set) var taken: Set<String> = []
    /// The same, as `PersonaNames` keys: two names differing only in case or spacing are one name.
    private var folded: Set<String> = []

    var snapshot: (taken: Set<String>, folded: Set<String>) { (taken, folded) }

    /// Records `name`; false when it was already taken.
    func claim(_ name: String) -> Bool {
        guard folded.insert(PersonaNames.key(name)).inserted else { return false }
        taken.insert(name)
        return true
    }
}
