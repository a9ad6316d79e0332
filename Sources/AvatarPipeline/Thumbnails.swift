import AvatarDomain
import AvatarSystem

/// One persona's thumbnails: `thumb_base.png` and `thumb_0.png` …
/// `thumb_3.png`, longest side AVATAR_THUMB_SIZE (0: none), made after step 5
/// and stored beside the originals in step 6. Each is a checkpoint: only
/// missing ones are made or stored again (crash resume, `retry`, and the
/// `thumbnails` backfill of tasks finished before they existed). They are
/// extras: a failure here is logged, never fails the persona.
struct Thumbnails: Sendable {
    let context: PipelineContext
    let ws: TaskWorkspace
    let index: Int
    let name: String

    var files: PersonaFiles { PersonaFiles(index) }
    var enabled: Bool { context.thumbSize > 0 }

    /// Makes the thumbnails whose file is missing and whose original exists,
    /// all in one job on the blocking pool. Returns how many were made.
    @discardableResult
    func makeMissing() async throws -> Int {
        guard enabled else { return 0 }
        var sources: [(thumb: String, png: [UInt8])] = []
        for (thumb, original) in files.thumbnails where !ws.exists(thumb) {
            if let png = try await ws.read(original) { sources.append((thumb, png)) }
        }
        guard !sources.isEmpty else { return 0 }
        let size = context.thumbSize, jobs = sources
        do {
            let made = try await BlockingPool.shared.run {
                try jobs.map { (path: $0.thumb, thumbnail: try ImagingSteps.thumbnail($0.png, longestSide: size)) }
            }
            try await ws.writeAll(made.map { (path: $0.path, bytes: $0.thumbnail.png) })
            context.keptThumbnails.keep(taskID: ws.taskID, made)
            return made.count
        } catch let error where Failures.isPersonaFailure(error) {
            warn("thumbnails not made: \(error)")
            return 0
        }
    }

    /// Stores the thumbnails present whose URL is not recorded yet; returns
    /// `urls` with theirs added (the caller writes urls.json).
    func upload(_ urls: PersonaURLs) async throws -> PersonaURLs {
        guard enabled else { return urls }
        var out = urls
        let wantBase = out.baseThumb == nil && ws.exists(files.thumbBase)
        let wantImages = out.thumbs.count < 4 && (0..<4).allSatisfy { ws.exists(files.thumb($0)) }
        guard wantBase || wantImages else { return urls }
        let store = context.store
        let jobs: [(Int, String, String)] = (wantBase ? [(-1, files.thumbBase, "thumb_base.png")] : [])
            + (wantImages ? (0..<4).map { ($0, files.thumb($0), "thumb_\($0).png") } : [])
        do {
            // One batch: the local store syncs the persona's folder once for all of them.
            let urls = try await store.putAll(jobs.map { _, path, file in
                StoredFile(filePath: ws.absolutePath(path), key: files.key(prefix: context.keyPrefix, taskID: ws.taskID, file: file),
                           contentType: "image/png")
            })
            let found = Dictionary(uniqueKeysWithValues: zip(jobs.map(\.0), urls))
            if let b = found[-1] { out.baseThumb = b }
            if wantImages { out.thumbs = (0..<4).map { found[$0]! } }
        } catch let error where Failures.isPersonaFailure(error) {
            warn("thumbnails not stored in \(store.name): \(context.redact(String(describing: error)))")
        }
        return out
    }

    /// For a persona whose seven steps are done: makes and stores whatever
    /// thumbnail is missing, and records the new URLs. Returns whether
    /// anything changed.
    @discardableResult
    func complete() async throws -> Bool {
        guard enabled else { return false }
        let made = try await makeMissing()
        let urls = try await JSONFiles.read(PersonaURLs.self, files.urls, in: ws) ?? PersonaURLs()
        let updated = try await upload(urls)
        if updated != urls { try await JSONFiles.write(updated, files.urls, in: ws) }
        return made > 0 || updated != urls
    }

    private func warn(_ text: String) {
        context.logger.warning("[Task \(ws.taskID)] [\(name)] \(text)")
    }
}
