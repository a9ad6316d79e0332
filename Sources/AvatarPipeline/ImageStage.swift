import AvatarDomain
import AvatarSystem
import AvatarTask
import Foundation

/// The seven steps for every persona that has data and no finished images.
/// IMAGE_CONCURRENCY (across all tasks) bounds the personas whose image
/// requests (steps 2 and 4) are in flight; the prompt (1), writing the grid,
/// splitting and publishing (5–7) run outside that slot, so the next
/// persona's requests start at once.
struct ImageStage: Sendable {
    let context: PipelineContext

    func run(_ ws: TaskWorkspace, spec: TaskSpec, snapshot: TaskSnapshot) async throws {
        let todo = snapshot.personas.filter { $0.state == .inProgress && $0.persona != nil }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for p in todo {
                group.addTask {
                    try await PersonaSteps(context: context, ws: ws, spec: spec, index: p.index, persona: p.persona!).run()
                }
            }
            try await group.waitForAll()
        }
    }
}

/// A step that failed, with the underlying error (provider, image, store).
struct StepFailure: Error {
    var step: PersonaStep
    var error: Error
}

/// One persona's steps 1–7 (`PersonaStep`). Each step first looks for its checkpoint file.
struct PersonaSteps: Sendable {
    let context: PipelineContext
    let ws: TaskWorkspace
    let spec: TaskSpec
    let index: Int
    let persona: Persona

    var files: PersonaFiles { PersonaFiles(index) }

    func log(_ step: PersonaStep, _ text: String) {
        context.logger.info("[Task \(ws.taskID)] [\(persona.fullName)] Step \(step.number)/\(PersonaStep.count): \(text)")
    }

    func key(_ file: String) -> String {
        files.key(prefix: context.keyPrefix, taskID: ws.taskID, file: file)
    }

    func checkStopping() throws {
        if context.stopping.isRaised { throw Stopping() }
    }

    /// Runs `body` as `step`: a failure of the persona's own (provider,
    /// image, store) is tagged with the step; shutdown and errors of the task
    /// folder itself pass through untouched.
    func at<T: Sendable>(_ step: PersonaStep, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error where Failures.isPersonaFailure(error) && !(error is StepFailure) {
            throw StepFailure(step: step, error: error)
        }
    }

    func run() async throws {
        do {
            // Step 1 asks the data provider, not the image provider: outside the image slot.
            try checkStopping()
            let prompt = try await at(.prompt) { try await imagePrompt() }
            let (recorded, gridWrite) = try await context.imageLimiter.withPermit {
                try checkStopping()
                return try await requestImages(prompt: prompt)
            }
            if let gridWrite {
                // The grid request is over: its slot is free while the grid is written.
                try await at(.grid) { try await gridWrite.value }
            }
            try await publish(recorded)
        } catch let failure as StepFailure {
            var record = Failures.describe(failure.error, persona: index, name: persona.fullName, step: failure.step.label)
            record.message = context.redact(record.message)
            try await JSONFiles.write(record, files.error, in: ws)
            context.logger.error("[Task \(ws.taskID)] [\(persona.fullName)] \(failure.step.label) failed: \(record.message)")
            await context.onProgress(ws)
        }
    }

    /// Steps 2–4 (`holdsImageSlot`), in the image slot: the base (written
    /// before the grid is asked for), then the grid request with the base
    /// upload (3) beside it, since neither needs the other. Returns the URLs
    /// and the write of the new grid, if one was requested (nil when grid.png
    /// already exists): it starts the moment the grid arrives, not after the
    /// base upload, so a crash while a slow upload finishes never costs a paid grid.
    private func requestImages(prompt: String) async throws -> (PersonaURLs, Task<Void, Error>?) {
        let base = try await at(.base) { try await baseImage(prompt: prompt) }
        let recorded = try await JSONFiles.read(PersonaURLs.self, files.urls, in: ws) ?? PersonaURLs()
        if recorded.base == nil {
            try checkStopping()
            log(.uploadBase, "uploading base image to \(context.store.name)")
        }
        async let uploaded = at(.uploadBase) { try await uploadBase(recorded) }
        let grid = try await at(.grid) { try await requestGrid(base: base, prompt: prompt) }
        let gridWrite = grid.map { image in Task { try await storeGrid(image) } }
        return (try await uploaded, gridWrite)
    }

    /// Steps 5–7, outside the image slot, with the thumbnails made after
    /// step 5 and stored beside the images in step 6. Step 7 is the
    /// persona's record: urls.json with every URL, then its index row.
    private func publish(_ recorded: PersonaURLs) async throws {
        guard let grid = try await ws.read(files.grid) else { return }
        try await at(.split) { try await splitGrid(grid) }
        let thumbnails = Thumbnails(context: context, ws: ws, index: index, name: persona.fullName)
        if thumbnails.enabled && !files.thumbnails.allSatisfy({ ws.exists($0.thumb) }) {
            log(.split, "making thumbnails (longest side \(context.thumbSize) px)")
            try await thumbnails.makeMissing()
        }
        var urls = recorded
        if urls.images.count < 4 {
            try checkStopping()
            log(.uploadImages, "uploading 4 images\(thumbnails.enabled ? " and their thumbnails" : "") to \(context.store.name)")
            let current = urls
            async let withThumbs = thumbnails.upload(current)
            let images = try await at(.uploadImages) { try await uploadImages() }
            urls = try await withThumbs
            urls.images = images
            try await at(.record) { try await JSONFiles.write(urls, files.urls, in: ws) }
        }
        await context.onProgress(ws)
        log(.record, "recorded \(1 + urls.images.count) URLs in \(files.urls) and the index")
    }
}
