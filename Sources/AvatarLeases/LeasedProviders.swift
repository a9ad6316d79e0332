import AvatarDomain
import AvatarTask

/// The image provider under leases: no request starts for a task whose
/// lease is not (or no longer) this processor's, and each request carries
/// the task's epoch in its `X-Client-Request-Id` (RequestTag).
public struct LeasedImageProvider: ImageProvider {
    let inner: any ImageProvider
    let leases: LeaseManager

    public init(_ inner: any ImageProvider, leases: LeaseManager) {
        self.inner = inner
        self.leases = leases
    }

    public var name: String { inner.name }
    public var sizeRule: ImageSizeRule { inner.sizeRule }

    public func baseImage(prompt: String, persona: Persona, task: TaskSpec, index: Int) async throws -> GeneratedImage {
        try await leases.asHolder(of: task.taskID, "persona_\(index) base") {
            try await inner.baseImage(prompt: prompt, persona: persona, task: task, index: index)
        }
    }

    public func gridImage(base: [UInt8], prompt: String, persona: Persona, task: TaskSpec, index: Int) async throws -> GeneratedImage {
        try await leases.asHolder(of: task.taskID, "persona_\(index) grid") {
            try await inner.gridImage(base: base, prompt: prompt, persona: persona, task: task, index: index)
        }
    }
}

/// The persona provider under leases: no chat request for a task that is not ours.
public struct LeasedPersonaProvider: PersonaProvider {
    let inner: any PersonaProvider
    let leases: LeaseManager

    public init(_ inner: any PersonaProvider, leases: LeaseManager) {
        self.inner = inner
        self.leases = leases
    }

    public var name: String { inner.name }

    public func persona(for task: TaskSpec, index: Int, avoiding: Set<String>) async throws -> Persona {
        try await leases.asHolder(of: task.taskID, "persona_\(index) data") {
            try await inner.persona(for: task, index: index, avoiding: avoiding)
        }
    }

    public func imagePrompt(for persona: Persona, task: TaskSpec, index: Int) async throws -> String {
        try await leases.asHolder(of: task.taskID, "persona_\(index) prompt") {
            try await inner.imagePrompt(for: persona, task: task, index: index)
        }
    }
}

extension LeaseManager {
    /// Runs one request for task `id` if its lease is this processor's and
    /// valid now, with the task's epoch in the request's tag.
    /// - Throws: `LeaseLost` otherwise, before anything is sent.
    func asHolder<T: Sendable>(of id: String, _ what: String, _ request: () async throws -> T) async throws -> T {
        guard let lease = lease(forTask: id) else {
            throw LeaseLost(name: "task \(id)", reason: "this processor holds no lease on it")
        }
        try lease.check(.request, what)
        return try await RequestTag.$epoch.withValue(lease.epoch) { try await request() }
    }
}
