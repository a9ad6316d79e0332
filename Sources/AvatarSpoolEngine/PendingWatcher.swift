import AvatarSystem
import Foundation
import Logging

/// What the watcher saw in pending/.
public enum WatchEvent: Sendable, Equatable {
    /// A file was closed after writing or moved in: look at it now.
    case ready(String)
    /// A name appeared (a WinSCP-style hard link raises only this): look at
    /// it once it has had time to settle.
    case created(String)
    /// Events were lost (IN_Q_OVERFLOW): scan the whole folder.
    case rescan
}

/// inotify on pending/, read on a dedicated thread (never the cooperative
/// pool), delivered as an AsyncStream. Watches IN_CLOSE_WRITE and
/// IN_MOVED_TO, plus IN_CREATE for a delayed check.
public final class PendingWatcher: @unchecked Sendable {
    // Confinement: `fd` is immutable after init; `stopped` is guarded by `lock`.
    // The reading thread owns `fd` (it outlives init's scope) and closes it
    // when its loop ends.
    private let fd: Int32
    private let directory: String
    private static let mask = UInt32(IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE)
    private let lock = NSLock()
    private var stopped = false
    public let events: AsyncStream<WatchEvent>
    private let continuation: AsyncStream<WatchEvent>.Continuation

    /// - Throws: `SystemError` from inotify_init1 or inotify_add_watch.
    public init(directory: String, logger: Logger) throws {
        let inotify = OwnedFD(adopting: try Sys.inotifyInit())
        _ = try Sys.inotifyAddWatch(inotify.raw, directory, Self.mask)
        fd = inotify.release()
        self.directory = directory
        (events, continuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(65536))
        let thread = Thread { [self] in self.loop(logger: logger) }
        thread.name = "avatar-inotify"
        thread.start()
    }

    private var isStopped: Bool {
        lock.lock()
        defer { lock.unlock() }
        return stopped
    }

    public func stop() {
        lock.lock()
        stopped = true
        lock.unlock()
    }

    /// Waits (polling twice a second) until the folder exists again, then
    /// watches it anew. - Returns: false when stopped first.
    private func rewatch() -> Bool {
        while !isStopped {
            if (try? Sys.inotifyAddWatch(fd, directory, Self.mask)) != nil { return true }
            usleep(500_000)
        }
        return false
    }

    private func loop(logger: Logger) {
        // Aligned for inotify_event: 4-byte fields, names padded by the kernel.
        let capacity = 64 * 1024
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 8)
        defer {
            buffer.deallocate()
            Sys.close(fd)
            continuation.finish()
        }
        while !isStopped {
            guard Sys.poll(fd, events: Int16(POLLIN), timeoutMS: 250) else { continue }
            let n: Int
            do {
                n = try Sys.read(fd, into: UnsafeMutableRawBufferPointer(start: buffer, count: capacity), path: directory)
            } catch {
                logger.error("inotify read failed: \(error); relying on rescans")
                continuation.yield(.rescan)
                return
            }
            if n == 0 { continue }
            var offset = 0
            while offset + 16 <= n {
                let mask = buffer.load(fromByteOffset: offset + 4, as: UInt32.self)
                let len = Int(buffer.load(fromByteOffset: offset + 12, as: UInt32.self))
                var name = ""
                if len > 0 {
                    // The name is NUL-padded over `len` bytes.
                    let bytes = UnsafeRawBufferPointer(start: buffer + offset + 16, count: min(len, n - offset - 16))
                    name = String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
                }
                offset += 16 + len
                if mask & UInt32(IN_Q_OVERFLOW) != 0 {
                    // wd is -1 here and there is no name: scan everything.
                    continuation.yield(.rescan)
                } else if mask & UInt32(IN_IGNORED) != 0 {
                    logger.error("pending/ was removed or unmounted: relying on rescans until it is back")
                    guard rewatch() else { return }
                    logger.notice("pending/ is back: watching it again")
                    continuation.yield(.rescan)
                } else if !name.isEmpty {
                    if mask & UInt32(IN_CREATE) != 0 {
                        continuation.yield(.created(name))
                    } else {
                        continuation.yield(.ready(name))
                    }
                }
            }
        }
    }
}
