import AvatarConfig
import AvatarService
import AvatarSystem
import Foundation
import Logging

/// A log handler that masks every configured secret and the credentials of
/// every URL before a line is written: keys never reach a log even when a
/// remote echoes one back.
public struct ScrubbingLogHandler: LogHandler {
    private var inner: StreamLogHandler
    private let masker: SecretMasker
    /// One JSON object per line (AVATAR_LOG_FORMAT=json) instead of text.
    private let json: Bool
    private let label: String

    public init(label: String, secrets: [String], json: Bool = false) {
        inner = StreamLogHandler.standardError(label: label)
        masker = SecretMasker(secrets)
        self.json = json
        self.label = label
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
        let text = scrub(event.message.description)
        if json {
            var fields: [String: String] = [:]
            for (key, value) in inner.metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 }) {
                fields[key] = scrub("\(value)")
            }
            let line = JSONLogLine.render(time: Date(), level: event.level, label: label, source: event.source,
                                          message: text, metadata: fields)
            // One write(2) per line, so lines from many threads never interleave.
            let bytes = Array((line + "\n").utf8)
            bytes.withUnsafeBytes { try? Sys.writeAll(2, $0) }
            return
        }
        var scrubbed = event
        scrubbed.message = Logger.Message(stringLiteral: text)
        // Metadata values too ("target", "error"): they may carry a URL.
        scrubbed.metadata = event.metadata?.mapValues { .string(scrub($0.description)) }
        inner.log(event: scrubbed)
    }

    private func scrub(_ text: String) -> String { masker.mask(text) }
}

extension String {
    /// Replaces every occurrence of `target` (no Foundation needed).
    public func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty, contains(target) else { return self }
        return components(separatedBy: target).joined(separator: replacement)
    }
}
