import AvatarDomain
import AvatarSystem
import AvatarTask
import Foundation

/// What a task folder says about a task: read from its files alone, so the
/// index, `status`, `result.json` and `reindex` all agree with the folders.
public struct TaskSnapshot: Sendable {
    public var taskID: String
    public var stage: TaskStage
    public var spec: TaskSpec?
    /// The `message` of the task's error.json, if any.
    public var errorMessage: String?
    public var personas: [PersonaSnapshot]
    /// When task.json was written (its mtime survives the claim rename).
    public var createdAt: Date
    /// Not from the folder: the thumbnails this run made, still decoded, by
    /// path (what `onFinish` composes the contact sheet from before it
    /// decodes any file). Empty when read from the folder.
    public var keptThumbnails: [String: KeptThumbnails.Entry] = [:]

    public var succeeded: Int { personas.filter { $0.state == .completed }.count }
    public var failed: Int { personas.filter { $0.state == .failed }.count }
    public var total: Int { spec?.count ?? 0 }

    /// A one-line "where it is" for `status`.
    public var currentStep: String {
        switch stage {
        case .generatingData:
            return "data \(personas.filter { $0.persona != nil || $0.failure != nil }.count)/\(total)"
        case .generatingImages:
            let active = personas.filter { $0.state == .inProgress }.compactMap(\.pendingStep)
            return "images \(succeeded + failed)/\(total)"
                + (active.min().map { ", next step \($0.number)/\(PersonaStep.count)" } ?? "")
        default:
            return stage.rawValue
        }
    }

    /// The error_log of the index: the task's message, then one line per failed persona.
    public var errorLog: String? {
        var lines: [String] = []
        if let errorMessage { lines.append(errorMessage) }
        for p in personas {
            if let f = p.failure { lines.append("persona \(p.index) (\(f.name ?? "?")) \(f.step): \(f.message)") }
        }
        return lines.isEmpty ? nil : lines.joined(separator: "\n")
    }
}

/// One persona's files, as found.
public struct PersonaSnapshot: Sendable {
    public enum State: String, Sendable { case completed, failed, inProgress = "in_progress" }

    public var index: Int
    public var persona: Persona?
    public var prompt: String?
    public var hasBase: Bool
    public var hasGrid: Bool
    public var imageCount: Int
    /// The thumbnail files present (of `PersonaFiles.thumbnails`).
    public var thumbnails: [String]
    public var urls: PersonaURLs
    public var usage: PersonaUsage?
    public var failure: PersonaFailure?
    public var imagesEnabled: Bool

    /// The first step whose checkpoint is missing; nil when every step is
    /// done (or images are off) and before the persona's data exists.
    public var pendingStep: PersonaStep? {
        guard persona != nil, imagesEnabled else { return nil }
        return PersonaStep.allCases.first { !$0.isDone(self) }
    }

    /// `pendingStep` as a number for `status`: 1…7; `PersonaStep.doneNumber`
    /// (8) when all are done; 0 before the data.
    public var nextStep: Int {
        guard persona != nil else { return 0 }
        return pendingStep?.number ?? PersonaStep.doneNumber
    }

    public var state: State {
        if failure != nil { return .failed }
        return nextStep == PersonaStep.doneNumber ? .completed : .inProgress
    }
}

extension TaskSnapshot {
    /// Reads a task folder. `parse` turns task.json into a spec (nil when invalid).
    public static func read(from ws: TaskWorkspace, parse: ([UInt8]) -> TaskSpec?) async throws -> TaskSnapshot {
        let taskBytes = (try? await ws.read(TaskFiles.task)) ?? nil
        let spec = taskBytes.flatMap(parse)
        var errorMessage: String?
        if let bytes = try? await ws.read(TaskFiles.error),
           let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] {
            errorMessage = object["message"] as? String
        }
        let created = ws.modificationDate(TaskFiles.task) ?? Date(timeIntervalSince1970: 0)
        var personas: [PersonaSnapshot] = []
        if let spec {
            for n in 1...max(1, spec.count) where n <= spec.count {
                personas.append(try await PersonaSnapshot.read(n, from: ws, imagesEnabled: spec.images.enabled))
            }
        }
        return TaskSnapshot(taskID: ws.taskID, stage: ws.stage, spec: spec, errorMessage: errorMessage,
                            personas: personas, createdAt: created)
    }
}

extension PersonaSnapshot {
    static func read(_ n: Int, from ws: TaskWorkspace, imagesEnabled: Bool) async throws -> PersonaSnapshot {
        let f = PersonaFiles(n)
        let persona = try? await JSONFiles.read(Persona.self, f.persona, in: ws)
        let prompt = (try? await ws.read(f.prompt))?.map { String(decoding: $0, as: UTF8.self) }
        let urls = (try? await JSONFiles.read(PersonaURLs.self, f.urls, in: ws)) ?? nil
        let usage = (try? await JSONFiles.read(PersonaUsage.self, f.usage, in: ws)) ?? nil
        let failure = (try? await JSONFiles.read(PersonaFailure.self, f.error, in: ws)) ?? nil
        return PersonaSnapshot(
            index: n, persona: persona ?? nil, prompt: prompt ?? nil,
            hasBase: ws.exists(f.base), hasGrid: ws.exists(f.grid),
            imageCount: f.images.filter(ws.exists).count,
            thumbnails: f.thumbnails.map(\.thumb).filter(ws.exists),
            urls: urls ?? PersonaURLs(), usage: usage, failure: failure, imagesEnabled: imagesEnabled)
    }
}
