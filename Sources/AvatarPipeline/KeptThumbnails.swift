import AvatarImaging
import Foundation

/// The thumbnails made during this run, kept decoded until their task's
/// contact sheet is composed, so the sheet does not decode them back from
/// the files just written. Bounded by `budget` bytes of pixels across
/// tasks: a new task's thumbnails push out the oldest task's (one cancelled
/// mid-run is never taken), and past the budget a thumbnail is simply not
/// kept. The sheet decodes from the file whatever is not here, as it does
/// after a restart, for `retry` and for the `thumbnails` backfill.
public final class KeptThumbnails: @unchecked Sendable {
    // Confinement: `tasks`, `order` and `bytes` only under `lock`.
    private let lock = NSLock()
    private var tasks: [String: [String: Entry]] = [:]
    /// Task ids, oldest first.
    private var order: [String] = []
    private var bytes = 0
    /// Most bytes of pixels kept at once (32 MiB: 160 thumbnails of 256 px).
    public let budget: Int

    /// One thumbnail's pixels and the size of the PNG file written from
    /// them: a file of another size was replaced since, and is read instead.
    public struct Entry: Sendable {
        public var image: PixelImage
        public var fileSize: Int
    }

    public init(budget: Int = 32 << 20) {
        self.budget = budget
    }

    /// Keeps `image`, written as the `fileSize`-byte file `path` (relative to
    /// the task folder) of task `taskID`.
    func keep(taskID: String, path: String, image: PixelImage, fileSize: Int) {
        let size = image.pixels.count
        guard size <= budget else { return }
        lock.withLock {
            if let old = tasks[taskID]?[path] { bytes -= old.image.pixels.count }
            tasks[taskID]?[path] = nil
            while bytes + size > budget, let oldest = order.first(where: { $0 != taskID }) {
                drop(oldest)
            }
            guard bytes + size <= budget else { return }
            if tasks[taskID] == nil { order.append(taskID) }
            tasks[taskID, default: [:]][path] = Entry(image: image, fileSize: fileSize)
            bytes += size
        }
    }

    /// Keeps thumbnails just written to their files.
    func keep(taskID: String, _ written: [(path: String, thumbnail: ImagingSteps.Thumbnail)]) {
        for (path, t) in written { keep(taskID: taskID, path: path, image: t.image, fileSize: t.png.count) }
    }

    /// Hands over (and forgets) every thumbnail kept for `taskID`, by path.
    public func take(_ taskID: String) -> [String: Entry] {
        lock.withLock {
            let entries = tasks[taskID] ?? [:]
            drop(taskID)
            return entries
        }
    }

    /// The number of bytes of pixels kept now.
    public var keptBytes: Int { lock.withLock { bytes } }

    // Called under `lock`.
    private func drop(_ taskID: String) {
        for entry in (tasks.removeValue(forKey: taskID) ?? [:]).values { bytes -= entry.image.pixels.count }
        order.removeAll { $0 == taskID }
    }
}
