import AvatarDomain
import AvatarPipeline
import AvatarSpoolEngine

/// `thumbnails [TASK…]`: for finished tasks (by default every completed
/// one), makes and stores the missing thumbnails and rewrites result.json,
/// the index rows, the contact sheet, the task's page and the spool page.
/// Only what is missing is made; running it twice does nothing new.
public struct ThumbnailBackfill: Sendable {
    public let services: Services

    public init(services: Services) {
        self.services = services
    }

    public struct Outcome: Sendable {
        public var taskID: String
        /// nil when done; else why the task was skipped.
        public var skipped: String?
    }

    /// - Throws: `GalleryError` naming a task that is not in the spool.
    public func run(_ ids: [String]) async throws -> [Outcome] {
        let layout = services.layout
        var out: [Outcome] = []
        for (stage, id) in try Tasks.choose(ids, layout: layout) {
            guard stage.isTerminal else {
                out.append(Outcome(taskID: id, skipped: "in \(stage.rawValue)/: the processor makes its thumbnails"))
                continue
            }
            guard let folder = try TaskFolder.lock(layout: layout, stage: stage, id: id) else {
                out.append(Outcome(taskID: id, skipped: "locked by another process (retry running?)"))
                continue
            }
            try await TaskRunner(context: services.context).refresh(folder)
            await services.indexer.sync(folder)
            out.append(Outcome(taskID: id, skipped: nil))
        }
        await services.spoolPage.flush()
        await services.spoolPage.writeNow()
        return out
    }
}
