import AvatarDomain
import AvatarSystem
import Foundation

/// The body of each step; each returns at once when its checkpoint exists.
extension PersonaSteps {
    func imagePrompt() async throws -> String {
        if let bytes = try await ws.read(files.prompt) { return String(decoding: bytes, as: UTF8.self) }
        try checkStopping()
        log(.prompt, "generating the image prompt with \(context.personas.name)")
        let prompt = try await context.dataLimiter.withPermit {
            try await context.personas.imagePrompt(for: persona, task: spec, index: index)
        }
        try await ws.write(files.prompt, Array(prompt.utf8))
        return prompt
    }

    func baseImage(prompt: String) async throws -> [UInt8] {
        if let bytes = try await ws.read(files.base) { return bytes }
        try checkStopping()
        log(.base, "generating the base selfie (\(spec.images.size)) with \(context.images.name)")
        let image = try await context.images.baseImage(prompt: prompt, persona: persona, task: spec, index: index)
        let size = spec.images.size, thumbSize = ws.exists(files.thumbBase) ? 0 : context.thumbSize
        let png = image.png
        let thumb = try await BlockingPool.shared.run { try ImagingSteps.validateBase(png, size: size, thumbSize: thumbSize) }
        // The base and its thumbnail, made from the pixels just checked, with one sync of the folder.
        let thumbs = thumb.map { [(path: files.thumbBase, thumbnail: $0)] } ?? []
        try await ws.writeAll([(files.base, image.png)] + thumbs.map { ($0.path, $0.thumbnail.png) })
        context.keptThumbnails.keep(taskID: ws.taskID, thumbs)
        if let usage = image.usage { try await recordUsage { $0.base = usage } }
        return image.png
    }

    /// Step 3: publishes base.png and records its URL in urls.json.
    func uploadBase(_ current: PersonaURLs) async throws -> PersonaURLs {
        guard current.base == nil else { return current }
        var urls = current
        urls.base = try await context.store.put(filePath: ws.absolutePath(files.base), key: key("base.png"),
                                                contentType: "image/png")
        try await JSONFiles.write(urls, files.urls, in: ws)
        return urls
    }

    /// Step 4's request: the grid, validated; nil when grid.png already exists.
    func requestGrid(base: [UInt8], prompt: String) async throws -> GeneratedImage? {
        if ws.exists(files.grid) { return nil }
        try checkStopping()
        log(.grid, "generating the 2x2 variation grid with \(context.images.name)")
        let image = try await context.images.gridImage(base: base, prompt: prompt, persona: persona, task: spec, index: index)
        try await validate(image.png)
        return image
    }

    /// Step 4's checkpoint: grid.png (and its token usage), before step 5.
    func storeGrid(_ image: GeneratedImage) async throws {
        try await ws.write(files.grid, image.png)
        if let usage = image.usage { try await recordUsage { $0.grid = usage } }
    }

    /// Step 5, with the variants' thumbnails made from the same pixels and
    /// written with the images (and kept for the contact sheet).
    func splitGrid(_ grid: [UInt8]) async throws {
        guard !files.images.allSatisfy(ws.exists) else { return }
        log(.split, "splitting the grid into 4 images and trimming them")
        let tolerance = context.trimTolerance
        let thumbSize = (0..<4).allSatisfy { ws.exists(files.thumb($0)) } ? 0 : context.thumbSize
        let (images, thumbs) = try await BlockingPool.shared.run {
            try ImagingSteps.split(grid, tolerance: tolerance, thumbSize: thumbSize)
        }
        let made = thumbs.enumerated().map { (path: files.thumb($0.offset), thumbnail: $0.element) }
        try await ws.writeAll(images.enumerated().map { (files.image($0.offset), $0.element) }
                              + made.map { ($0.path, $0.thumbnail.png) })
        context.keptThumbnails.keep(taskID: ws.taskID, made)
    }

    /// Step 6: the four uploads go in parallel; each is idempotent, so a
    /// partial failure is simply redone by the next attempt. Returns the
    /// four URLs; step 7 records them.
    func uploadImages() async throws -> [String] {
        try await withThrowingTaskGroup(of: (Int, String).self) { group in
            for k in 0..<4 {
                let path = ws.absolutePath(files.image(k)), objectKey = key("image_\(k).png")
                group.addTask {
                    (k, try await context.store.put(filePath: path, key: objectKey, contentType: "image/png"))
                }
            }
            var found = [String](repeating: "", count: 4)
            for try await (k, url) in group { found[k] = url }
            return found
        }
    }

    func validate(_ png: [UInt8]) async throws {
        let size = spec.images.size
        try await BlockingPool.shared.run { try ImagingSteps.validate(png, size: size) }
    }

    /// usage.json is written by steps 2 and 4 of one persona, one after the
    /// other, so a read-modify-write is safe.
    func recordUsage(_ change: (inout PersonaUsage) -> Void) async throws {
        var usage = try await JSONFiles.read(PersonaUsage.self, files.usage, in: ws) ?? PersonaUsage()
        change(&usage)
        try await JSONFiles.write(usage, files.usage, in: ws)
    }
}
