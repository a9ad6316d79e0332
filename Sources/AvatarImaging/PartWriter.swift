import AvatarSystem
import Foundation

/// Encodes the parts of a grid and stages each (temp name, fsync) in the
/// output folder, on the calling thread and on helper threads of a
/// `BlockingPool` at once; each thread takes the next part until none is
/// left. One wake-up per helper, so a busy machine adds little waiting.
final class PartWriter: @unchecked Sendable {
    // Confinement: `next`, `helpers`, `staged` and `failure` are read and
    // written only under `condition`; the other properties never change.
    private let condition = NSCondition()
    private var next = 0
    private var helpers = 0
    private var staged: [AtomicFile.Staged?]
    private var failure: Error?

    let grid: PixelImage
    let parts: [PixelRect]
    let names: [String]
    let dirfd: Int32
    let directory: String

    init(grid: PixelImage, parts: [PixelRect], names: [String], dirfd: Int32, directory: String) {
        self.grid = grid
        self.parts = parts
        self.names = names
        self.dirfd = dirfd
        self.directory = directory
        staged = [AtomicFile.Staged?](repeating: nil, count: parts.count)
    }

    /// Stages every part, with up to `helperCount` threads of `pool` beside this one.
    /// - Returns: the staged files, in the parts' order.
    /// - Throws: the first `ImagingError` (encode, or `.io` from staging);
    ///   then every part staged so far is removed.
    func stageAll(pool: BlockingPool, helperCount: Int) throws -> [AtomicFile.Staged] {
        let count = min(max(0, helperCount), parts.count - 1)
        condition.lock()
        helpers = count
        condition.unlock()
        for _ in 0..<count {
            pool.execute {
                self.work()
                self.condition.lock()
                self.helpers -= 1
                self.condition.signal()
                self.condition.unlock()
            }
        }
        work()
        condition.lock()
        while helpers > 0 { condition.wait() }
        let failure = self.failure, staged = self.staged
        condition.unlock()
        if let failure {
            AtomicFile.discard(staged.compactMap { $0 }, in: dirfd)
            throw failure
        }
        return staged.compactMap { $0 }
    }

    /// Takes parts until none is left or one has failed.
    private func work() {
        while true {
            condition.lock()
            guard failure == nil, next < parts.count else {
                condition.unlock()
                return
            }
            let n = next
            next += 1
            condition.unlock()
            do {
                let png = try PNGCodec.encode(grid, rect: parts[n], compression: .forPart(of: grid, parts[n]))
                let file: AtomicFile.Staged
                do {
                    file = try AtomicFile.stage(png, as: names[n], in: dirfd, dirPath: directory)
                } catch {
                    throw ImagingError(.io, "cannot write \(names[n]): \(error)", context: directory)
                }
                condition.lock()
                staged[n] = file
                condition.unlock()
            } catch {
                condition.lock()
                failure = failure ?? error
                condition.unlock()
            }
        }
    }
}
