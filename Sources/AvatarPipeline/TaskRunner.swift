import AvatarDomain
import AvatarTask
import Foundation
import Logging

/// Runs one claimed task from wherever its files say it is to `completed`
/// or `failed` (DESIGN.md §3). Every remote result is on disk before the
/// next step, so a run after a crash starts at the first missing file.
public struct TaskRunner: Sendable {
    public let context: PipelineContext

    public init(context: PipelineContext) {
        self.context = context
    }

    /// - Returns: the terminal stage, or nil when it stopped early (shutdown).
    /// - Throws: when the task folder itself cannot be written (disk full,
    ///   read-only): the processor decides what to do with the task.
    @discardableResult
    public func run(_ ws: TaskWorkspace, spec: TaskSpec) async throws -> TaskStage? {
        do {
            if ws.stage != .generatingData,
               try await TaskSnapshot.read(from: ws, parse: context.parse).personas
                   .contains(where: { $0.persona == nil && $0.failure == nil }) {
                // Back from `retry` with data missing: the data stage first.
                try await ws.transition(to: .generatingData)
            }
            if ws.stage == .generatingData {
                let started = ContinuousClock.now
                try await DataStage(context: context).run(ws, spec: spec)
                context.logger.info("[Task \(ws.taskID)] data stage done in \(Self.seconds(since: started)) s")
                try await ws.transition(to: .dataGenerated)
                await context.onProgress(ws)
            }
            var snapshot = try await TaskSnapshot.read(from: ws, parse: context.parse)
            if spec.images.enabled && snapshot.personas.contains(where: { $0.state == .inProgress }) {
                if ws.stage != .generatingImages {
                    try await ws.transition(to: .generatingImages)
                    await context.onProgress(ws)
                }
                let started = ContinuousClock.now
                try await ImageStage(context: context).run(ws, spec: spec, snapshot: snapshot)
                context.logger.info("[Task \(ws.taskID)] image stage done in \(Self.seconds(since: started)) s")
                snapshot = try await TaskSnapshot.read(from: ws, parse: context.parse)
            }
            return try await finish(ws, snapshot: snapshot)
        } catch is Stopping {
            context.logger.notice("[Task \(ws.taskID)] stopping: checkpoints written, resumes at the next start")
            return nil
        } catch is CancellationError {
            return nil
        }
    }

    /// Seconds since `start`, three decimals (for the stage timing lines `make bench` reads).
    static func seconds(since start: ContinuousClock.Instant) -> String {
        let d = ContinuousClock.now - start
        return String(format: "%.3f", d.inSeconds)
    }

    /// Writes result.json (and error.json where something failed) and the
    /// task's page, then the final rename: completed when at least one
    /// persona succeeded.
    private func finish(_ ws: TaskWorkspace, snapshot: TaskSnapshot) async throws -> TaskStage {
        var snapshot = try await completeThumbnails(ws, snapshot: snapshot)
        let final: TaskStage = snapshot.succeeded > 0 ? .completed : .failed
        var manifest = ResultManifest(snapshot: snapshot, status: final, providers: providers)
        snapshot.keptThumbnails = context.keptThumbnails.take(ws.taskID)
        // The page and the contact sheet show none of result.json's checksums:
        // they are made while the checksums are computed (both before the rename).
        let (pageSnapshot, pageManifest) = (snapshot, manifest)
        let pages = Task { await context.onFinish(ws, pageSnapshot, pageManifest) }
        do {
            if let digest = context.digest { try await manifest.recordChecksums(in: ws, digest: digest) }
            try await JSONFiles.write(manifest, TaskFiles.result, in: ws)
            let failures = snapshot.personas.compactMap(\.failure)
            if failures.isEmpty {
                try ws.remove(TaskFiles.error)
            } else {
                let message = final == .failed
                    ? "no persona succeeded (\(failures.count) of \(snapshot.total) failed); first: \(failures[0].message)"
                    : "\(failures.count) of \(snapshot.total) personas failed"
                try await JSONFiles.write(TaskErrorReport(taskID: ws.taskID, stage: "pipeline", message: message,
                                                          failures: failures), TaskFiles.error, in: ws)
            }
        } catch {
            await pages.value
            throw error
        }
        await pages.value
        try await ws.transition(to: final)
        context.logger.info("[Task \(ws.taskID)] \(final.rawValue): \(snapshot.succeeded) of \(snapshot.total) personas succeeded")
        await context.onProgress(ws)
        return final
    }

    private var providers: ResultManifest.Providers {
        ResultManifest.Providers(data: context.personas.name, images: context.images.name, storage: context.store.name)
    }

    /// Every persona whose steps are done gets whatever thumbnail is missing
    /// (after a crash between step 7 and here, after `retry`, or when
    /// AVATAR_THUMB_SIZE was 0 before). Returns the snapshot, re-read when
    /// anything changed.
    private func completeThumbnails(_ ws: TaskWorkspace, snapshot: TaskSnapshot) async throws -> TaskSnapshot {
        guard context.thumbSize > 0 else { return snapshot }
        var changed = false
        for p in snapshot.personas where p.state == .completed && p.imageCount > 0 {
            // Every thumbnail there and stored, as the snapshot just read says: nothing to look at again.
            if p.thumbnails.count == PersonaFiles(p.index).thumbnails.count && p.urls.baseThumb != nil
                && p.urls.thumbs.count == 4 { continue }
            let t = Thumbnails(context: context, ws: ws, index: p.index, name: p.persona?.fullName ?? "persona \(p.index)")
            if try await t.complete() { changed = true }
        }
        return changed ? try await TaskSnapshot.read(from: ws, parse: context.parse) : snapshot
    }

    /// For a finished task (the `thumbnails` command): makes and stores the
    /// missing thumbnails, rewrites result.json (keeping when it finished)
    /// and the task's page and contact sheet. No persona step runs and the
    /// task stays in its folder.
    /// - Throws: when the folder cannot be read or written.
    public func refresh(_ ws: TaskWorkspace) async throws {
        guard ws.stage.isTerminal else { return }
        let before = try await TaskSnapshot.read(from: ws, parse: context.parse)
        var snapshot = try await completeThumbnails(ws, snapshot: before)
        let old = (try? await JSONFiles.read(ResultManifest.self, TaskFiles.result, in: ws)) ?? nil
        let manifest = ResultManifest(snapshot: snapshot, status: ws.stage, providers: old?.providers ?? providers,
                                      finishedAt: old?.finishedAt)
        try await JSONFiles.write(manifest, TaskFiles.result, in: ws)
        snapshot.keptThumbnails = context.keptThumbnails.take(ws.taskID)
        await context.onFinish(ws, snapshot, manifest)
        await context.onProgress(ws)
    }
}
