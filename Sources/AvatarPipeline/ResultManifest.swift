import AvatarDomain
import Foundation

/// `result.json`: every persona, its data, local paths, public URLs, token
/// usage and errors. Paths are relative to the task folder, which moves.
public struct ResultManifest: Codable, Sendable {
    public struct Providers: Codable, Sendable {
        public var data: String
        public var images: String
        public var storage: String
    }

    public struct Entry: Codable, Sendable {
        public var index: Int
        public var status: String
        public var persona: Persona?
        public var prompt: String?
        public var files: [String: [String]]
        public var urls: PersonaURLs
        public var usage: PersonaUsage?
        public var error: PersonaFailure?
        /// SHA-256 (hex) of every file in `files`, by path, recorded when the
        /// task finished: what `verify` checks the folder and the store against.
        public var sha256: [String: String]? = nil
        /// What this persona's image requests cost (priced ones); nil when none was priced.
        public var costUSD: Double? = nil

        enum CodingKeys: String, CodingKey {
            case index, status, persona, prompt, files, urls, usage, error, sha256, costUSD = "cost_usd"
        }
    }

    public var taskID: String
    public var status: String
    public var count: Int
    public var succeeded: Int
    public var failed: Int
    public var providers: Providers
    public var usage: ImageUsage
    public var personas: [Entry]
    public var finishedAt: String
    /// What the task's priced image requests cost, and how many requests had no known price.
    public var costUSD: Double?
    public var unpricedRequests: Int?

    enum CodingKeys: String, CodingKey {
        case taskID = "task_id", status, count, succeeded, failed, providers, usage, personas
        case finishedAt = "finished_at", costUSD = "cost_usd", unpricedRequests = "unpriced_requests"
    }

    init(snapshot: TaskSnapshot, status: TaskStage, providers: Providers, finishedAt: String? = nil, now: Date = Date()) {
        taskID = snapshot.taskID
        self.status = status.rawValue
        count = snapshot.total
        succeeded = snapshot.succeeded
        failed = snapshot.failed
        self.providers = providers
        let all = snapshot.personas.compactMap(\.usage).flatMap { [$0.base, $0.grid].compactMap { $0 } }
        // The model stays in the total only when every request used the same one.
        usage = all.first.map { all.dropFirst().reduce($0, +) } ?? ImageUsage(inputTokens: 0, outputTokens: 0, totalTokens: 0)
        personas = snapshot.personas.map { p in
            let f = PersonaFiles(p.index)
            var files: [String: [String]] = [:]
            if p.hasBase { files["base"] = [f.base] }
            if p.hasGrid { files["grid"] = [f.grid] }
            if p.imageCount > 0 { files["images"] = Array(f.images.prefix(p.imageCount)) }
            if !p.thumbnails.isEmpty { files["thumbnails"] = p.thumbnails }
            return Entry(index: p.index, status: p.state.rawValue, persona: p.persona, prompt: p.prompt,
                         files: files, urls: p.urls, usage: p.usage, error: p.failure, costUSD: p.usage?.costUSD)
        }
        let costs = personas.compactMap(\.costUSD)
        costUSD = costs.isEmpty ? nil : (costs.reduce(0, +) * 1_000_000).rounded() / 1_000_000
        unpricedRequests = snapshot.personas.compactMap(\.usage).reduce(0) { $0 + $1.unpricedRequests }
        self.finishedAt = finishedAt ?? ISO8601DateFormatter().string(from: now)
    }
}

/// A task's `error.json` after the pipeline ran: what failed, where, why.
public struct TaskErrorReport: Codable, Sendable {
    public var taskID: String
    public var stage: String
    public var message: String
    public var failures: [PersonaFailure]

    enum CodingKeys: String, CodingKey {
        case taskID = "task_id", stage, message, failures
    }

    public init(taskID: String, stage: String, message: String, failures: [PersonaFailure]) {
        self.taskID = taskID
        self.stage = stage
        self.message = message
        self.failures = failures
    }
}
