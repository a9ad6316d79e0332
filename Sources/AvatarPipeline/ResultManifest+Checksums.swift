import AvatarDomain

extension ResultManifest {
    /// Fills every entry's `sha256` with the digest of each file it lists
    /// (base, grid, images, thumbnails and whatever else `files` names), so
    /// `verify` can tell later edits of the folder or the store from what was
    /// published. A few files at once: on the task's last stretch nothing
    /// else runs, so one at a time left a core idle.
    /// - Throws: what `digest` throws (a file of the task folder cannot be read).
    mutating func recordChecksums(in ws: TaskWorkspace, digest: @escaping @Sendable (String) async throws -> String) async throws {
        let jobs: [(persona: Int, path: String, absolute: String)] = personas.indices.flatMap { i in
            personas[i].files.values.flatMap { $0 }.filter(ws.exists).map { (i, $0, ws.absolutePath($0)) }
        }
        var sums = [[String: String]](repeating: [:], count: personas.count)
        try await withThrowingTaskGroup(of: (Int, String, String).self) { group in
            var next = 0
            func start() {
                guard next < jobs.count else { return }
                let job = jobs[next]
                next += 1
                group.addTask { (job.persona, job.path, try await digest(job.absolute)) }
            }
            for _ in 0..<Self.concurrentDigests { start() }
            for try await (i, path, sum) in group {
                sums[i][path] = sum
                start()
            }
        }
        for i in personas.indices { personas[i].sha256 = sums[i].isEmpty ? nil : sums[i] }
    }

    /// Digests at once: two cores, and each digest also waits on its reads.
    static let concurrentDigests = 4
}
