import Foundation

/// `hooks.json` in a task folder: what became of each finish hook, so a
/// restart neither runs one twice nor skips one. A hook is recorded as
/// `running` (durably) before it starts and with its outcome after; one
/// found `running` at the next start was cut short by a crash and is marked
/// `interrupted`, not run again (its side effects may have happened).
public struct HookRecords: Codable, Sendable, Equatable {
    public static let fileName = "hooks.json"

    public struct Entry: Codable, Sendable, Equatable {
        public enum State: String, Codable, Sendable { case running, succeeded, failed, interrupted }
        public var state: State
        public var startedAt: String
        public var finishedAt: String?
        /// "exit 0", "HTTP 204", "timed out after 60 s; killed", …
        public var outcome: String?

        enum CodingKeys: String, CodingKey {
            case state, startedAt = "started_at", finishedAt = "finished_at", outcome
        }
    }

    public var onFinish: Entry?
    public var webhook: Entry?

    public init(onFinish: Entry? = nil, webhook: Entry? = nil) {
        self.onFinish = onFinish
        self.webhook = webhook
    }

    enum CodingKeys: String, CodingKey {
        case onFinish = "on_finish", webhook
    }
}
