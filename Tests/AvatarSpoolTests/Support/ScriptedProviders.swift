import AvatarDomain
import AvatarPipeline
import AvatarProviders
import AvatarTask
import Foundation

/// The requests a scripted provider can be told to answer differently, by
/// persona index (1-based).
enum ScriptedRequest: Hashable, Sendable {
    case persona(Int)
    case prompt(Int)
    case base(Int)
    case grid(Int)
}

/// A persona provider for pipeline tests in memory: the builtin provider's
/// answers (deterministic, no network), except where the script says to
/// throw. Records every request.
final class ScriptedPersonaProvider: PersonaProvider, @unchecked Sendable {
    // Confinement: `failures` and `seen` only under `lock`.
    private let lock = NSLock()
    private var failures: [ScriptedRequest: any Error] = [:]
    private var seen: [ScriptedRequest] = []
    private let inner = BuiltinPersonaProvider()
    let name: String

    init(name: String = "scripted-data") {
        self.name = name
    }

    /// Makes `request` throw `error` (every time it is asked).
    func fail(_ request: ScriptedRequest, with error: any Error) { lock.withLock { failures[request] = error } }
    /// The requests received, in order.
    var requests: [ScriptedRequest] { lock.withLock { seen } }

    private func answer(_ request: ScriptedRequest) throws {
        try lock.withLock {
            seen.append(request)
            if let error = failures[request] { throw error }
        }
    }

    func persona(for task: TaskSpec, index: Int, avoiding: Set<String>) async throws -> Persona {
        try answer(.persona(index))
        return inner.persona(for: task, index: index, avoiding: avoiding)
    }

    func imagePrompt(for persona: Persona, task: TaskSpec, index: Int) async throws -> String {
        try answer(.prompt(index))
        return inner.imagePrompt(for: persona, task: task, index: index)
    }
}

/// An image provider for pipeline tests in memory: the builtin renderer's
/// images (a real portrait and a real 2x2 grid of the task's size), except
/// where the script says to throw or to answer other bytes. Records every request.
final class ScriptedImageProvider: ImageProvider, @unchecked Sendable {
    /// What a scripted request answers instead of the builtin image.
    enum Answer: Sendable {
        case failure(any Error)
        /// The base image as the grid (one portrait: not a grid).
        case baseAsGrid
        case png([UInt8])
        /// The builtin image, and then `flag` raised (a shutdown while the request was in flight).
        case raising(StopFlag)
    }

    // Confinement: `script` and `seen` only under `lock`.
    private let lock = NSLock()
    private var script: [ScriptedRequest: Answer] = [:]
    private var seen: [ScriptedRequest] = []
    private let inner = BuiltinImageProvider()
    let name: String
    var sizeRule: ImageSizeRule { inner.sizeRule }

    init(name: String = "scripted-images") {
        self.name = name
    }

    /// Makes `request` answer `answer` (every time it is asked).
    func on(_ request: ScriptedRequest, _ answer: Answer) { lock.withLock { script[request] = answer } }
    /// The requests received, in order.
    var requests: [ScriptedRequest] { lock.withLock { seen } }
    /// How many requests of one kind were received.
    func count(_ kind: (Int) -> ScriptedRequest, of count: Int) -> Int {
        let wanted = Set((1...count).map(kind))
        return requests.filter(wanted.contains).count
    }

    private func scripted(_ request: ScriptedRequest) -> Answer? {
        lock.withLock {
            seen.append(request)
            return script[request]
        }
    }

    func baseImage(prompt: String, persona: Persona, task: TaskSpec, index: Int) async throws -> GeneratedImage {
        switch scripted(.base(index)) {
        case .failure(let error)?: throw error
        case .png(let bytes)?: return GeneratedImage(png: bytes)
        case .raising(let flag)?:
            defer { flag.raise() }
            return try await inner.baseImage(prompt: prompt, persona: persona, task: task, index: index)
        case .baseAsGrid?, nil: return try await inner.baseImage(prompt: prompt, persona: persona, task: task, index: index)
        }
    }

    func gridImage(base: [UInt8], prompt: String, persona: Persona, task: TaskSpec, index: Int) async throws -> GeneratedImage {
        switch scripted(.grid(index)) {
        case .failure(let error)?: throw error
        case .png(let bytes)?: return GeneratedImage(png: bytes)
        case .baseAsGrid?: return GeneratedImage(png: base)
        case .raising(let flag)?:
            defer { flag.raise() }
            return try await inner.gridImage(base: base, prompt: prompt, persona: persona, task: task, index: index)
        case nil: return try await inner.gridImage(base: base, prompt: prompt, persona: persona, task: task, index: index)
        }
    }
}
