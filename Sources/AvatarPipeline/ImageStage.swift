import AvatarDomain
import AvatarSystem
import AvatarTask
import Foundation

/// The seven steps for every persona that has data and no finished images,
/// at most IMAGE_CONCURRENCY personas at once (across all tasks).
struct ImageStage: Sendable {
    let context: PipelineContext

    func run(_ ws: TaskWorkspace, spec: TaskSpec, snapshot: TaskSnapshot) async throws {
        let todo = snapshot.personas.filter { $0.state == .inProgress && $0.persona != nil }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for p in todo {
                group.addTask {
                    try await context.imageLimiter.withSlot {
                        if context.stopping.isRaised { throw Stopping() }
                        try await PersonaSteps(context: context, ws: ws, spec: spec, index: p.index, persona: p.persona!)
                            .run()
                    }
                    await context.onProgress(ws)
                }
            }
            try await group.waitForAll()
        }
    }
}

/// One persona's steps 1–7. Each step first looks for its checkpoint file.
struct PersonaSteps: Sendable {
    let context: PipelineContext
    let ws: TaskWorkspace
    let spec: TaskSpec
    let index: Int
    let persona: Persona

    private var files: PersonaFiles { PersonaFiles(index) }

    private func log(_ step: Int, _ text: String) {
        context.logger.info("[Task \(ws.taskID)] [\(persona.fullName)] Step \(step)/7: \(text)")
    }

    private func key(_ file: String) -> String {
        files.key(prefix: context.keyPrefix, taskID: ws.taskID, file: file)
    }

    func run() async throws {
        var step = "step 1/7: image prompt"
        do {
            let prompt = try await imagePrompt()
            step = "step 2/7: base image"
            let base = try await baseImage(prompt: prompt)
            step = "step 3/7: upload base"
            var urls = try await JSONFiles.read(PersonaURLs.self, files.urls, in: ws) ?? PersonaURLs()
            if urls.base == nil {
                try checkStopping()
                log(3, "uploading base image to \(context.store.name)")
                urls.base = try await context.store.put(filePath: ws.absolutePath(files.base), key: key("base.png"),
                                                        contentType: "image/png")
                try await JSONFiles.write(urls, files.urls, in: ws)
            }
            step = "step 4/7: variation grid"
            let grid = try await gridImage(base: base, prompt: prompt)
            step = "step 5/7: split grid"
            try await splitGrid(grid)
            step = "step 6/7: upload images"
            if urls.images.count < 4 {
                try checkStopping()
                log(6, "uploading 4 images to \(context.store.name)")
                var uploaded: [String] = []
                for k in 0..<4 {
                    uploaded.append(try await context.store.put(filePath: ws.absolutePath(files.image(k)),
                                                                key: key("image_\(k).png"), contentType: "image/png"))
                }
                urls.images = uploaded
                try await JSONFiles.write(urls, files.urls, in: ws)
            }
            log(7, "recorded \(1 + urls.images.count) URLs")
        } catch let error where Failures.isPersonaFailure(error) {
            let failure = Failures.describe(error, persona: index, name: persona.fullName, step: step)
            try await JSONFiles.write(failure, files.error, in: ws)
            context.logger.error("[Task \(ws.taskID)] [\(persona.fullName)] \(step) failed: \(failure.message)")
        }
    }

    private func checkStopping() throws {
        if context.stopping.isRaised { throw Stopping() }
    }

    private func imagePrompt() async throws -> String {
        if let bytes = try await ws.read(files.prompt) { return String(decoding: bytes, as: UTF8.self) }
        try checkStopping()
        log(1, "generating the image prompt with \(context.personas.name)")
        let prompt = try await context.dataLimiter.withSlot {
            try await context.personas.imagePrompt(for: persona, task: spec, index: index)
        }
        try await ws.write(files.prompt, Array(prompt.utf8))
        return prompt
    }

    private func baseImage(prompt: String) async throws -> [UInt8] {
        if let bytes = try await ws.read(files.base) { return bytes }
        try checkStopping()
        log(2, "generating the base selfie (\(spec.images.size)) with \(context.images.name)")
        let image = try await context.images.baseImage(prompt: prompt, persona: persona, task: spec, index: index)
        try await validate(image.png)
        try await ws.write(files.base, image.png)
        if let usage = image.usage { try await recordUsage { $0.base = usage } }
        return image.png
    }

    private func gridImage(base: [UInt8], prompt: String) async throws -> [UInt8] {
        if let bytes = try await ws.read(files.grid) { return bytes }
        try checkStopping()
        log(4, "generating the 2x2 variation grid with \(context.images.name)")
        let image = try await context.images.gridImage(base: base, prompt: prompt, persona: persona, task: spec, index: index)
        try await validate(image.png)
        try await ws.write(files.grid, image.png)
        if let usage = image.usage { try await recordUsage { $0.grid = usage } }
        return image.png
    }

    private func splitGrid(_ grid: [UInt8]) async throws {
        guard !files.images.allSatisfy(ws.exists) else { return }
        log(5, "splitting the grid into 4 images and trimming them")
        let tolerance = context.trimTolerance
        let parts = try await BlockingPool.shared.run { try ImagingSteps.split(grid, tolerance: tolerance) }
        for (k, png) in parts.enumerated() {
            try await ws.write(files.image(k), png)
        }
    }

    private func validate(_ png: [UInt8]) async throws {
        let size = spec.images.size
        try await BlockingPool.shared.run { try ImagingSteps.validate(png, size: size) }
    }

    private func recordUsage(_ change: (inout PersonaUsage) -> Void) async throws {
        var usage = try await JSONFiles.read(PersonaUsage.self, files.usage, in: ws) ?? PersonaUsage()
        change(&usage)
        try await JSONFiles.write(usage, files.usage, in: ws)
    }
}
