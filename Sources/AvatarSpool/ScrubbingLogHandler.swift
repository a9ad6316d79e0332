import AvatarConfig
import Foundation
import Logging

/// A log handler that masks every configured secret and the credentials of
/// every URL before a line is written: keys never reach a log even when a
/// remote echoes one back.
public struct ScrubbingLogHandler: LogHandler {
    private var inner: StreamLogHandler
    private let secrets: [String]

    public init(label: String, secrets: [String]) {
        inner = StreamLogHandler.standardError(label: label)
        self.secrets = secrets.filter { $0.count >= 4 }.sorted { $0.count > $1.count }
    }

    public var logLevel: Logger.Level {
        get { inner.logLevel }
        set { inner.logLevel = newValue }
    }

    public var metadata: Logger.Metadata {
        get { inner.metadata }
        set { inner.metadata = newValue }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { inner[metadataKey: key] }
        set { inner[metadataKey: key] = newValue }
    }

    public func log(event: LogEvent) {
        var scrubbed = event
        scrubbed.message = Logger.Message(stringLiteral: scrub(event.message.description))
        // Metadata values too ("target", "error"): they may carry a URL.
        scrubbed.metadata = event.metadata?.mapValues { .string(scrub($0.description)) }
        inner.log(event: scrubbed)
    }

    private func scrub(_ text: String) -> String {
        var text = Settings.maskURLs(in: text)
        for secret in secrets { text = text.replacingAll(secret, with: "***") }
        return text
    }
}

extension String {
    /// Replaces every occurrence of `target` (no Foundation needed).
    public func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty, contains(target) else { return self }
        return components(separatedBy: target).joined(separator: replacement)
    }
}
