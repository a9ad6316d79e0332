import AvatarDomain
import AvatarSystem
import Foundation

/// A task folder held open by a directory fd and, while a processor works on
/// it, an exclusive flock on its `.lock` file. The lock follows the folder
/// through renames; a folder whose lock can be taken has no live processor.
///
/// Confinement: `stageValue` is guarded by `mutex`; the fds are immutable
/// and closed in `deinit`.
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
        let dirfd: Int32
        do {
            dirfd = try Sys.open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW)
        } catch let e as SystemError where e.errno == ENOENT || e.errno == ENOTDIR || e.errno == ELOOP {
            return nil
        }
        let lockfd: Int32
        do {
            lockfd = try Sys.openat(dirfd, lockName, O_RDWR | O_CREAT | O_NOFOLLOW)
        } catch {
            Sys.close(dirfd)
            throw error
        }
        // Across hosts the flock proves nothing: the lease decides (asking
        // it may throw when the lease service cannot be reached).
        let taken: (any OwnershipToken)?
        do {
            // Under leases flock is not asked: on NFS it may be local to a
            // host, or stay held for 90 s after its host died.
            let locked = layout.ownership.isShared ? true : try Sys.tryLock(lockfd, path: path + "/" + lockName)
            taken = locked ? try layout.ownership.acquire(.task(id)) : nil
        } catch {
            Sys.close(lockfd)
            Sys.close(dirfd)
            throw error
        }
        guard let token = taken else {
            Sys.close(lockfd)
            Sys.close(dirfd)
            return nil
        }
        let folder = TaskFolder(layout: layout, taskID: id, stage: stage, dirfd: dirfd, lockfd: lockfd, token: token)
        // The folder may have been renamed between open and lock: only a lock
        // on the folder still at `path` counts.
        var st = stat()
        guard lstat(path, &st) == 0, let mine = try? Sys.fstat(dirfd),
              st.st_ino == mine.st_ino, st.st_dev == mine.st_dev else { return nil }
        // Ours now: what a killed holder was writing is garbage.
        AtomicFile.removeTemporaries(in: dirfd, path: path)
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

    /// Opens (and with `create`, makes) a sub-folder of the task folder.
    private func subfolder(_ name: String?, create: Bool) throws -> Int32? {
        guard let name else { return nil }
        do {
            return try Sys.openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW)
        } catch let e as SystemError where e.errno == ENOENT && create {
            if mkdirat(dirfd, name, 0o777) != 0 && errno != EEXIST { throw SystemError("mkdir", path: name) }
            try Sys.fsync(dirfd, path: path)
            return try Sys.openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW)
        }
    }

    public func readSync(_ relative: String, limit: Int = 256 << 20) throws -> [UInt8]? {
        let (folder, name) = try Self.split(relative)
        let sub: Int32?
        do {
            sub = try subfolder(folder, create: false)
        } catch let e as SystemError where e.errno == ENOENT {
            return nil
        }
        defer { if let sub { Sys.close(sub) } }
        return try AtomicFile.read(name, in: sub ?? dirfd, limit: limit)
    }

    public func writeSync(_ relative: String, _ bytes: [UInt8]) throws {
        let (folder, name) = try Self.split(relative)
        let sub = try subfolder(folder, create: true)
        defer { if let sub { Sys.close(sub) } }
        let dir = sub ?? dirfd, dirPath = absolutePath(folder ?? ".")
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
        let sub = try subfolder(folder, create: true)
        defer { if let sub { Sys.close(sub) } }
        let dir = sub ?? dirfd, dirPath = absolutePath(folder ?? ".")
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
        var st = stat()
        return fstatat(dirfd, relative, &st, AT_SYMLINK_NOFOLLOW) == 0
    }

    public func remove(_ relative: String) throws {
        let (folder, name) = try Self.split(relative)
        let sub: Int32?
        do {
            sub = try subfolder(folder, create: false)
        } catch let e as SystemError where e.errno == ENOENT {
            return
        }
        defer { if let sub { Sys.close(sub) } }
        try guarded(.checkpoint, "remove " + relative) { try Sys.unlinkat(sub ?? dirfd, name) }
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
        defer { Sys.close(oldfd) }
        let newfd = try layout.openFolder(layout.folder(stage))
        defer { Sys.close(newfd) }
        try guarded(.rename, "\(from.rawValue)->\(stage.rawValue)") { try Sys.renameNoReplace(oldfd, taskID, newfd, taskID) }
        stageValue = stage
        try Sys.fsync(newfd, path: layout.folder(stage))
        try Sys.fsync(oldfd, path: layout.folder(from))
    }

    public func transition(to stage: TaskStage) async throws {
        try await BlockingPool.shared.run { try self.transitionSync(to: stage) }
    }
}
