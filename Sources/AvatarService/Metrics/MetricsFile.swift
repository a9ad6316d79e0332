import AvatarSystem

/// AVATAR_METRICS_FILE: the exposition written atomically (temp name,
/// fsync, rename), the node_exporter textfile-collector convention, so a
/// scrape never reads half a file.
public struct MetricsFile: Sendable {
    public let path: String

    public init(path: String) {
        self.path = path
    }

    /// - Throws: `SystemError` from open, write, fsync or rename.
    public func write(_ text: String) throws {
        try AtomicFile.write(Array(text.utf8), toPath: path)
    }
}
