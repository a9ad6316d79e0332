import AvatarDomain
import AvatarSystem
import Foundation

/// A private, locked folder in tmp/ that holds a task between the claim
/// rename and its move into a status folder.
final class ClaimFolder: @unchecked Sendable {
    // Confinement: used by one claim on one thread; fds handed to a
    // TaskFolder by `adopt` and then no longer closed here.
    let layout: SpoolLayout
    let name: String
    let fd: Int32
    private var lockfd: Int32
    private var owned = true
    /// The file's name in pending/, kept in `.origin` for recovery messages.
    let originalName: String

    private init(layout: SpoolLayout, name: String, fd: Int32, lockfd: Int32, originalName: String) {
        self.layout = layout
        self.name = name
        self.fd = fd
        self.lockfd = lockfd
        self.originalName = originalName
    }

    deinit {
        if owned {
            Sys.close(lockfd)
            Sys.close(fd)
        }
    }

    /// Makes and locks `tmp/claim-<random>/`.
    static func make(layout: SpoolLayout, originalName: String) throws -> ClaimFolder {
        let name = "claim-\(UUID().uuidString.lowercased())"
        let path = layout.tmp + "/" + name
        if mkdir(path, 0o777) != 0 { throw SystemError("mkdir", path: path) }
        let fd = try Sys.open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW)
        let lockfd = try Sys.openat(fd, TaskFolder.lockName, O_RDWR | O_CREAT | O_NOFOLLOW)
        _ = try Sys.tryLock(lockfd, path: path)
        let origin = Array(originalName.utf8)
        let ofd = try Sys.openat(fd, ".origin", O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW)
        try origin.withUnsafeBytes { try Sys.writeAll(ofd, $0) }
        Sys.close(ofd)
        return ClaimFolder(layout: layout, name: name, fd: fd, lockfd: lockfd, originalName: originalName)
    }

    /// Reopens an existing claim folder; nil when a live process holds it.
    static func reopen(layout: SpoolLayout, name: String) throws -> ClaimFolder? {
        let path = layout.tmp + "/" + name
        guard let fd = try? Sys.open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW) else { return nil }
        guard let lockfd = try? Sys.openat(fd, TaskFolder.lockName, O_RDWR | O_CREAT | O_NOFOLLOW) else {
            Sys.close(fd)
            return nil
        }
        guard (try? Sys.tryLock(lockfd, path: path)) == true else {
            Sys.close(lockfd)
            Sys.close(fd)
            return nil
        }
        AtomicFile.removeTemporaries(in: fd, path: path)
        let origin = (try? AtomicFile.read(".origin", in: fd, limit: 4096)).flatMap { $0 }
        let original = origin.map { String(decoding: $0, as: UTF8.self) } ?? "task.json"
        return ClaimFolder(layout: layout, name: name, fd: fd, lockfd: lockfd, originalName: original)
    }

    var isEmpty: Bool {
        ["task.json", "rejected-entry", "error.json"].allSatisfy { (try? Sys.lstatat(fd, $0)) == nil }
    }

    func readReport() -> RejectionReport? {
        guard let bytes = try? AtomicFile.read("error.json", in: fd, limit: 1 << 20) else { return nil }
        return try? JSONDecoder().decode(RejectionReport.self, from: Data(bytes))
    }

    func writeReport(_ report: RejectionReport) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try AtomicFile.write(Array(try encoder.encode(report)) + [0x0A], to: "error.json", in: fd,
                             dirPath: layout.tmp + "/" + name)
    }

    /// Renames the claim folder to `<folder>/<id>`, never replacing.
    func move(to folder: String, as id: String) throws {
        let tmpfd = try layout.openFolder(layout.tmp)
        defer { Sys.close(tmpfd) }
        let target = try layout.openFolder(folder)
        defer { Sys.close(target) }
        try Sys.renameNoReplace(tmpfd, name, target, id)
        try Sys.fsync(target, path: folder)
        try Sys.fsync(tmpfd, path: layout.tmp)
    }

    /// Hands the fds (and so the lock) to a TaskFolder.
    func adopt(taskID: String, stage: TaskStage) -> TaskFolder {
        owned = false
        return TaskFolder(layout: layout, taskID: taskID, stage: stage, dirfd: fd, lockfd: lockfd)
    }

    /// Removes the claim folder and what little it holds.
    func discard() {
        for entry in (try? Sys.listDirectory(layout.tmp + "/" + name)) ?? [] {
            _ = unlinkat(fd, entry, 0)
        }
        _ = rmdir(layout.tmp + "/" + name)
    }
}
