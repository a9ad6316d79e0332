import AvatarDomain
import AvatarSystem
import Foundation

/// A private, locked folder in tmp/ that holds a task between the claim
/// rename and its move into a status folder.
final class ClaimFolder: @unchecked Sendable {
    // Confinement: used by one claim on one thread. This class owns its two
    // descriptors (they outlive any one scope) and its deinit closes them,
    // unless `adopt` handed them to a TaskFolder, which then owns them.
    let layout: SpoolLayout
    let name: String
    let fd: Int32
    private var lockfd: Int32
    private var owned = true
    /// The claim's lease (`layout.ownership`), given back once the task
    /// folder has its own.
    private let token: any OwnershipToken
    /// The file's name in pending/, kept in `.origin` for recovery messages.
    let originalName: String

    private init(layout: SpoolLayout, name: String, fd: Int32, lockfd: Int32, token: any OwnershipToken, originalName: String) {
        self.layout = layout
        self.name = name
        self.fd = fd
        self.lockfd = lockfd
        self.token = token
        self.originalName = originalName
    }

    deinit {
        if owned {
            Sys.close(lockfd)
            Sys.close(fd)
        }
        let token = token
        BlockingPool.shared.execute { token.release() }
    }

    /// Makes and locks `tmp/claim-<random>/`.
    static func make(layout: SpoolLayout, originalName: String) throws -> ClaimFolder {
        let name = "claim-\(UUID().uuidString.lowercased())"
        let path = layout.tmp + "/" + name
        // The lease comes before the folder exists, so no other host can
        // take a fresh claim folder for a dead one's.
        guard let token = try layout.ownership.acquire(.claim(name)) else {
            return try make(layout: layout, originalName: originalName)
        }
        do {
            try Sys.mkdirat(AT_FDCWD, path)
            let fd = try Sys.openOwned(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW)
            let lockfd = try Sys.openOwned(fd.raw, TaskFolder.lockName, O_RDWR | O_CREAT | O_NOFOLLOW)
            // Another processor's `recoverClaims` may lock a claim folder in the
            // moment between its mkdir and this lock (it then removes it as
            // empty): such a folder is never used; take another. (Under
            // leases the lease, taken before the mkdir, already excludes that.)
            guard try layout.ownership.isShared || Sys.tryLock(lockfd.raw, path: path) else {
                token.release()
                return try make(layout: layout, originalName: originalName)
            }
            let origin = Array(originalName.utf8)
            try Sys.withOpen(at: fd.raw, ".origin", O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW) { ofd in
                try origin.withUnsafeBytes { try Sys.writeAll(ofd, $0) }
            }
            return ClaimFolder(layout: layout, name: name, fd: fd.release(), lockfd: lockfd.release(), token: token,
                               originalName: originalName)
        } catch {
            token.release()
            throw error
        }
    }

    /// Reopens an existing claim folder; nil when a live process holds it.
    static func reopen(layout: SpoolLayout, name: String) throws -> ClaimFolder? {
        let path = layout.tmp + "/" + name
        guard let fd = try? Sys.openOwned(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW) else { return nil }
        guard let lockfd = try? Sys.openOwned(fd.raw, TaskFolder.lockName, O_RDWR | O_CREAT | O_NOFOLLOW),
              layout.ownership.isShared || (try? Sys.tryLock(lockfd.raw, path: path)) == true,
              let token = (try? layout.ownership.acquire(.claim(name))) ?? nil else { return nil }
        AtomicFile.removeTemporaries(in: fd.raw, path: path)
        let origin = (try? AtomicFile.read(".origin", in: fd.raw, limit: 4096)).flatMap { $0 }
        let original = origin.map { String(decoding: $0, as: UTF8.self) } ?? "task.json"
        return ClaimFolder(layout: layout, name: name, fd: fd.release(), lockfd: lockfd.release(), token: token, originalName: original)
    }

    var isEmpty: Bool {
        ["task.json", "rejected-entry", "error.json", Self.linkedName].allSatisfy { (try? Sys.lstatat(fd, $0)) == nil }
    }

    /// Where a pending file with other hard links is renamed to before its
    /// bytes are copied into task.json.
    static let linkedName = "linked-entry"

    /// Copies `linked-entry` (a file sharing its inode with a file outside
    /// the spool) into a new task.json, then removes it. Nothing to do when absent.
    /// - Throws: `SystemError` from read, write, fsync or unlink.
    func detachLinked(limit: Int) throws {
        guard try Sys.lstatat(fd, Self.linkedName) != nil else { return }
        let path = layout.tmp + "/" + name
        if try Sys.lstatat(fd, "task.json") == nil {
            let src = try Sys.openOwned(fd, Self.linkedName, O_RDONLY | O_NOFOLLOW | O_NONBLOCK)
            do {
                let bytes = try Sys.readAll(src.raw, limit: limit, path: path + "/" + Self.linkedName)
                try AtomicFile.write(bytes, to: "task.json", in: fd, dirPath: path)
            } catch let e as SystemError where e.errno == EFBIG {
                // Too large to be a task: kept as it is (never lost), and refused by `settle`.
                try Sys.renameNoReplace(fd, Self.linkedName, fd, "task.json")
                try Sys.fsync(fd, path: path)
                return
            }
        }
        try Sys.unlinkat(fd, Self.linkedName)
        try Sys.fsync(fd, path: path)
    }

    func readReport() -> RejectionReport? {
        guard let bytes = try? AtomicFile.read("error.json", in: fd, limit: 1 << 20) else { return nil }
        return try? JSONDecoder().decode(RejectionReport.self, from: Data(bytes))
    }

    func writeReport(_ report: RejectionReport) throws {
        try AtomicFile.write(try JSONCoding.fileBytes(report), to: "error.json", in: fd,
                             dirPath: layout.tmp + "/" + name)
    }

    /// Renames the claim folder to `<folder>/<id>`, never replacing.
    func move(to folder: String, as id: String) throws {
        let tmpfd = try layout.openFolder(layout.tmp)
        let target = try layout.openFolder(folder)
        try Sys.renameNoReplace(tmpfd.raw, name, target.raw, id)
        try Sys.fsync(target.raw, path: folder)
        try Sys.fsync(tmpfd.raw, path: layout.tmp)
    }

    /// Hands the fds (and so the lock) and the task's lease to a TaskFolder.
    func adopt(taskID: String, stage: TaskStage, token: any OwnershipToken) -> TaskFolder {
        owned = false
        return TaskFolder(layout: layout, taskID: taskID, stage: stage, dirfd: fd, lockfd: lockfd, token: token)
    }

    /// Removes the claim folder and what little it holds.
    func discard() {
        for entry in (try? Sys.listDirectory(layout.tmp + "/" + name)) ?? [] {
            try? Sys.unlinkat(fd, entry)
        }
        try? Sys.unlinkat(AT_FDCWD, layout.tmp + "/" + name, directory: true)
    }
}

/// A claim folder in tmp/, as `status` shows it.
public struct ClaimInfo: Sendable, Codable {
    /// `claim-<uuid>`.
    public var folder: String
    /// The file's name in pending/.
    public var file: String
    /// False when no live process holds it: a stranded claim, which the
    /// next rescan of a running processor moves on.
    public var live: Bool
}

extension SpoolLayout {
    /// The claims sitting in tmp/ (normally none for more than a moment).
    public func claims() -> [ClaimInfo] {
        ((try? Sys.listDirectory(tmp)) ?? []).filter { $0.hasPrefix("claim-") }.sorted().compactMap { name in
            let path = tmp + "/" + name
            guard let fd = try? Sys.openOwned(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW) else { return nil }
            let origin = (try? AtomicFile.read(".origin", in: fd.raw, limit: 4096)).flatMap { $0 }
            let file = origin.map { String(decoding: $0, as: UTF8.self) } ?? "?"
            var live = false
            if let lockfd = try? Sys.openOwned(fd.raw, TaskFolder.lockName, O_RDONLY | O_NOFOLLOW) {
                live = (try? Sys.tryLock(lockfd.raw, path: path)) == false
            }
            return ClaimInfo(folder: name, file: file, live: live)
        }
    }
}
