import AvatarDomain

extension ResultManifest {
    /// Fills every entry's `sha256` with the digest of each file it lists
    /// (base, grid, images and whatever else `files` names), so `verify` can
    /// tell later edits of the folder or the store from what was published.
    /// - Throws: what `digest` throws (a file of the task folder cannot be read).
    mutating func recordChecksums(in ws: TaskWorkspace, digest: @Sendable (String) async throws -> String) async throws {
        for i in personas.indices {
            var sums: [String: String] = [:]
            for path in personas[i].files.values.flatMap({ $0 }) where ws.exists(path) {
                sums[path] = try await digest(ws.absolutePath(path))
            }
            personas[i].sha256 = sums.isEmpty ? nil : sums
        }
    }
}
