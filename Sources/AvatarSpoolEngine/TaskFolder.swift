import AvatarDomain
import AvatarSystem
import Foundation

/// A task folder held open by a directory fd and, while a processor works on
/// it, an exclusive flock on its `.lock` file. The lock follows the folder
/// through renames; a folder whose lock can be taken has no live processor.
///
/// Confinement: `stageValue` is guarded by `mutex`; the fds are immutable.
/// This class is their owner (they live as long as the folder is held, past
/// any one scope): `deinit` closes them.
public final class TaskFolder: TaskWorkspace, @unchecked Sendable {
    public let layout: SpoolLayout
    public let taskID: String
    private let dirfd: Int32
    private let lockfd: Int32
    private let mutex = NSLock()
    private var stageValue: TaskStage
    /// The task's lease (`layout.ownership`); nil for a folder opened to read.
    private let token: (any OwnershipToken)?

    static let lockName = ".lock"

    init(layout: SpoolLayout, taskID: String, stage: TaskStage, dirfd: Int32, lockfd: Int32,
         token: (any OwnershipToken)? = nil) {
        self.layout = layout
        self.taskID = taskID
        self.stageValue = stage
        self.dirfd = dirfd
        self.lockfd = lockfd
        self.token = token
    }

    deinit {
        Sys.close(lockfd)
        Sys.close(dirfd)
        // Giving a lease back may wait on a server: never on this thread.
        if let token { BlockingPool.shared.execute { token.release() } }
    }

    /// The lease this folder was locked with (its epoch fences index writes).
    public var ownershipToken: (any OwnershipToken)? { token }

    /// Gives the task's lease back now (it is also given back when the
    /// folder is dropped); does not wait for the server.
    public func releaseOwnership() {
        guard let token else { return }
        BlockingPool.shared.execute { token.release() }
    }

    /// Asks the lease before a durable change; notes it after.
    private func guarded<T>(_ action: GuardedAction, _ what: String, _ body: () throws -> T) throws -> T {
        try token?.check(action, what)
        let value = try body()
        token?.record(action, what)
        return value
    }

    /// Opens `<stage>/<id>` and takes its lock. Returns nil when another
    /// process holds the lock or the folder moved away meanwhile.
    /// - Throws: `SystemError` from open or flock.
    public static func lock(layout: SpoolLayout, stage: TaskStage, id: String) throws -> TaskFolder? {
        let path = layout.taskPath(stage, id)
        let dirfd: OwnedFD
        do {
            dirfd = try Sys.openOwned(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW)
        } catch let e as SystemError where e.errno == ENOENT || e.errno == ENOTDIR || e.errno == ELOOP {
            return nil
        }
        let lockfd = try Sys.openOwned(dirfd.raw, lockName, O_RDWR | O_CREAT | O_NOFOLLOW)
        // Across hosts the flock proves nothing: the lease decides (asking it
        // may throw when the lease service cannot be reached). Under leases
        // flock is not asked: on NFS it may be local to a host, or stay held
        // for 90 s after its host died.
        let locked = layout.ownership.isShared ? true : try Sys.tryLock(lockfd.raw, path: path + "/" + lockName)
        guard locked, let token = try layout.ownership.acquire(.task(id)) else { return nil }
        let folder = TaskFolder(layout: layout, taskID: id, stage: stage, dirfd: dirfd.release(), lockfd: lockfd.release(),
                                token: token)
        // The folder may have been renamed between open and lock: only a lock
        // on the folder still at `path` counts.
        guard let st = try? Sys.lstatat(AT_FDCWD, path), let mine = try? Sys.fstat(folder.dirfd),
              st.st_ino == mine.st_ino, st.st_dev == mine.st_dev else { return nil }
        // Ours now: what a killed holder was writing is garbage.
        AtomicFile.removeTemporaries(in: folder.dirfd, path: path)
        return folder
    }

    /// Opens `<stage>/<id>` for reading only, without locking.
    public static func open(layout: SpoolLayout, stage: TaskStage, id: String) throws -> TaskFolder {
        let path = layout.taskPath(stage, id)
        let dirfd = try Sys.open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW)
        return TaskFolder(layout: layout, taskID: id, stage: stage, dirfd: dirfd, lockfd: -1)
    }

    public var stage: TaskStage {
        mutex.lock()
        defer { mutex.unlock() }
        return stageValue
    }

    public var path: String { layout.taskPath(stage, taskID) }

    public func absolutePath(_ relative: String) -> String { path + "/" + relative }

    /// Splits "persona_1/base.png" into its folder and name, refusing any
    /// path that could leave the task folder.
    static func split(_ relative: String) throws -> (folder: String?, name: String) {
        let parts = relative.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard !parts.isEmpty, parts.count <= 2,
              parts.allSatisfy({ !$0.isEmpty && $0 != "." && $0 != ".." }) else {
            throw SystemError("path", path: relative, errno: EINVAL)
        }
        return parts.count == 2 ? (parts[0], parts[1]) : (nil, parts[0])
    }

    /// Runs `body` with a sub-folder's descriptor (opened for the call, and
    /// with `create` made when missing), or the task folder's own when
    /// `name` is nil. - Returns: nil when the sub-folder is missing and
    /// `create` is false.
    private func inFolder<T>(_ name: String?, create: Bool, _ body: (Int32) throws -> T) throws -> T? {
        guard let name else { return try body(dirfd) }
        let flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW
        let sub: OwnedFD
        do {
            sub = try Sys.openOwned(dirfd, name, flags)
        } catch let e as SystemError where e.errno == ENOENT {
            guard create else { return nil }
            do { try Sys.mkdirat(dirfd, name) } catch let e as SystemError where e.errno == EEXIST {}
            try Sys.fsync(dirfd, path: path)
            sub = try Sys.openOwned(dirfd, name, flags)
        }
        return try body(sub.raw)
    }

    public func readSync(_ relative: String, limit: Int = 256 << 20) throws -> [UInt8]? {
        let (folder, name) = try Self.split(relative)
        return try inFolder(folder, create: false) { try AtomicFile.read(name, in: $0, limit: limit) } ?? nil
    }

    public func writeSync(_ relative: String, _ bytes: [UInt8]) throws {
        let (folder, name) = try Self.split(relative)
        _ = try inFolder(folder, create: true) { dir in
            let dirPath = absolutePath(folder ?? ".")
            // Written and fsynced under a temp name first: the lease is asked
            // right before the rename that makes the checkpoint real.
            let staged = try AtomicFile.stage(bytes, as: name, in: dir, dirPath: dirPath)
            do {
                try guarded(.checkpoint, relative) { try AtomicFile.commit([staged], in: dir, dirPath: dirPath) }
            } catch {
                AtomicFile.discard([staged], in: dir)
                throw error
            }
        }
    }

    /// Files of one sub-folder (or of the task folder itself) in one batch.
    public func writeAllSync(_ files: [(path: String, bytes: [UInt8])]) throws {
        guard let first = files.first else { return }
        let folder = try Self.split(first.path).folder
        var items: [(name: String, bytes: [UInt8])] = []
        for file in files {
            let (f, name) = try Self.split(file.path)
            guard f == folder else { throw SystemError("writeAll", path: file.path, errno: EINVAL) }
            items.append((name, file.bytes))
        }
        _ = try inFolder(folder, create: true) { dir in
            let dirPath = absolutePath(folder ?? ".")
            var staged: [AtomicFile.Staged] = []
            do {
                for item in items { staged.append(try AtomicFile.stage(item.bytes, as: item.name, in: dir, dirPath: dirPath)) }
                try guarded(.checkpoint, files.map(\.path).joined(separator: ",")) {
                    try AtomicFile.commit(staged, in: dir, dirPath: dirPath)
                }
            } catch {
                AtomicFile.discard(staged, in: dir)
                throw error
            }
        }
    }

    public func writeAll(_ files: [(path: String, bytes: [UInt8])]) async throws {
        try await BlockingPool.shared.run { try self.writeAllSync(files) }
    }

    public func read(_ relative: String) async throws -> [UInt8]? {
        try await BlockingPool.shared.run { try self.readSync(relative) }
    }

    public func write(_ relative: String, _ bytes: [UInt8]) async throws {
        try await BlockingPool.shared.run { try self.writeSync(relative, bytes) }
    }

    public func exists(_ relative: String) -> Bool {
        (try? Sys.lstatat(dirfd, relative)) != nil
    }

    public func modificationDate(_ relative: String) -> Date? {
        guard let st = try? Sys.lstatat(dirfd, relative) else { return nil }
        return Date(timeIntervalSince1970: Double(st.st_mtim.tv_sec))
    }

    public func remove(_ relative: String) throws {
        let (folder, name) = try Self.split(relative)
        _ = try inFolder(folder, create: false) { dir in try guarded(.checkpoint, "remove " + relative) { try Sys.unlinkat(dir, name) } }
    }

    /// Names directly inside the task folder.
    public func list() -> [String] {
        (try? Sys.listDirectory(path)) ?? []
    }

    /// Moves the folder into another status folder: one rename that never
    /// replaces an existing folder, then fsync of both status folders.
    /// - Throws: `TaskTransitionError` when `TaskStage.allowedNext` has no
    ///   such move; `SystemError` from renameat2 (EEXIST if the target exists).
    public func transitionSync(to stage: TaskStage) throws {
        mutex.lock()
        defer { mutex.unlock() }
        let from = stageValue
        guard from != stage else { return }
        guard from.canMove(to: stage) else { throw TaskTransitionError(taskID: taskID, from: from, to: stage) }
        let oldfd = try layout.openFolder(layout.folder(from))
        let newfd = try layout.openFolder(layout.folder(stage))
        try guarded(.rename, "\(from.rawValue)->\(stage.rawValue)") { try Sys.renameNoReplace(oldfd.raw, taskID, newfd.raw, taskID) }
        stageValue = stage
        try Sys.fsync(newfd.raw, path: layout.folder(stage))
        try Sys.fsync(oldfd.raw, path: layout.folder(from))
    }

    public func transition(to stage: TaskStage) async throws {
        try await BlockingPool.shared.run { try self.transitionSync(to: stage) }
    }
}
