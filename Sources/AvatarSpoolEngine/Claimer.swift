import AvatarDomain
import AvatarSystem
import AvatarTask
import Foundation
import Logging

/// Claims entries of pending/: one rename that exactly one process can win,
/// then one more rename of the claim folder into its status folder.
///
/// The claim goes through a private folder in tmp/ (`claim-<random>/`,
/// locked) so the task arrives in generating-data/<id>/ whole: task.json and
/// its lock in one rename. A processor that dies in between leaves the claim
/// folder unlocked; `recoverClaims()` finishes its work.
public struct Claimer: Sendable {
    public let layout: SpoolLayout
    public let admit: Admit
    /// A file that does not parse and changed less than this many seconds
    /// ago is given time to finish (scp, a slow cp).
    public let settleSeconds: Double
    /// Files larger than this are refused unread.
    public let maxTaskBytes: Int
    public let logger: Logger

    public init(layout: SpoolLayout, admit: @escaping Admit, settleSeconds: Double = 5,
                maxTaskBytes: Int = 1 << 20, logger: Logger) {
        self.layout = layout
        self.admit = admit
        self.settleSeconds = settleSeconds
        self.maxTaskBytes = maxTaskBytes
        self.logger = logger
    }

    /// The size cap as `validate` words it: "1 MiB (1048576 bytes)".
    var limitText: String {
        maxTaskBytes % (1 << 20) == 0 ? "\(maxTaskBytes >> 20) MiB (\(maxTaskBytes) bytes)" : "\(maxTaskBytes) bytes"
    }

    /// Looks at `pending/<name>` and claims, rejects or defers it.
    /// Blocking: call from a `BlockingPool`.
    public func claim(_ name: String) throws -> ClaimResult {
        guard PendingName.isCandidate(name) else { return .skipped }
        let pending = try layout.openFolder(layout.folder(.pending))
        let pendingfd = pending.raw
        guard let st = try Sys.lstatat(pendingfd, name) else { return .skipped }

        let kind = st.st_mode & S_IFMT
        guard kind == S_IFREG else {
            return try rejectEntry(name, pendingfd: pendingfd, kind: kind)
        }
        // O_NOFOLLOW: the entry may have become a symlink since lstat;
        // O_NONBLOCK: a FIFO swapped in must not block us.
        let file: OwnedFD
        do {
            file = try Sys.openOwned(pendingfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK)
        } catch let e as SystemError {
            switch e.errno {
            case ENOENT: return .skipped
            case ELOOP: return try rejectEntry(name, pendingfd: pendingfd, kind: S_IFLNK)
            case EACCES, EPERM:
                return try claimAndReject(name, pendingfd: pendingfd,
                                          message: "pending/\(name) cannot be read (\(e.message)); give the processor read permission and submit it again")
            default: throw e
            }
        }
        let fd = file.raw
        let fst = try Sys.fstat(fd, path: name)
        guard (fst.st_mode & S_IFMT) == S_IFREG else {
            return try rejectEntry(name, pendingfd: pendingfd, kind: fst.st_mode & S_IFMT)
        }
        if Int(fst.st_size) > maxTaskBytes {
            return try claimAndReject(name, pendingfd: pendingfd,
                                      message: "the file is \(fst.st_size) bytes; a task file may have at most \(limitText)")
        }
        let bytes: [UInt8]
        do {
            bytes = try Sys.readAll(fd, limit: maxTaskBytes, path: name)
        } catch let e as SystemError where e.errno == EFBIG {
            return try claimAndReject(name, pendingfd: pendingfd,
                                      message: "the file grew past \(limitText) while being read")
        }
        // Still being written? Only a file that does not parse is given time.
        if case .invalid(_, _, _, let incomplete) = admit(bytes, name), incomplete {
            let age = Date().timeIntervalSince1970 - (Double(fst.st_mtim.tv_sec) + Double(fst.st_mtim.tv_nsec) / 1e9)
            if age < settleSeconds { return .notReady(retryAfter: max(0.2, settleSeconds - age + 0.1)) }
        }

        // A file with other hard links shares its inode with a file outside
        // the spool: it is claimed under another name and its bytes copied
        // into a new task.json, so the task folder owns what it holds.
        let linked = fst.st_nlink > 1
        let claim = try ClaimFolder.make(layout: layout, originalName: name)
        do {
            try Sys.renameIntoOwnFolder(pendingfd, name, claim.fd, linked ? ClaimFolder.linkedName : "task.json")
        } catch let e as SystemError where e.errno == ENOENT {
            claim.discard()
            return .skipped
        }
        try stranded(claim) { try Sys.fsync(pendingfd, path: layout.folder(.pending)) }
        if linked {
            logger.notice("pending/\(name) has \(fst.st_nlink) hard links: its bytes were copied into a new task.json; the other links are left alone")
        }
        return try stranded(claim) {
            try claim.detachLinked(limit: maxTaskBytes)
            return try settle(claim, originalName: name)
        }
    }

    /// Runs the part of a claim that follows the rename out of pending/: a
    /// failure there leaves the file in `tmp/claim-…/`, and says so.
    func stranded<T>(_ claim: ClaimFolder, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch {
            throw StrandedClaim(file: claim.originalName, folder: claim.name, underlying: "\(error)")
        }
    }

    /// Finishes a claim: reads task.json from the claim folder (the truth),
    /// then moves the folder to generating-data/<id> or failed/<id>.
    func settle(_ claim: ClaimFolder, originalName: String) throws -> ClaimResult {
        if let report = claim.readReport() {
            // Refused before the claim moved (too large, unreadable, not a file).
            return try place(claim, id: report.taskID, stage: .failed, reason: report.message, originalName: originalName)
        }
        let bytes: [UInt8]
        do {
            guard let read = try AtomicFile.read("task.json", in: claim.fd, limit: maxTaskBytes) else {
                claim.discard()
                return .skipped
            }
            bytes = read
        } catch let e as SystemError where e.errno == EFBIG {
            let id = TaskID.derive(fromFileName: originalName)
            let message = "the file is larger than \(limitText), the most a task file may have"
            try claim.writeReport(RejectionReport(taskID: id, file: originalName, message: message, issues: []))
            return try place(claim, id: id, stage: .failed, reason: message, originalName: originalName)
        }
        switch admit(bytes, originalName) {
        case .valid(let spec):
            return try place(claim, id: spec.taskID, stage: .generatingData, spec: spec, originalName: originalName)
        case .invalid(let explicitID, let message, let issues, _):
            let id = explicitID ?? TaskID.derive(fromFileName: originalName)
            try claim.writeReport(RejectionReport(taskID: id, file: originalName, message: message, issues: issues))
            return try place(claim, id: id, stage: .failed, reason: message, originalName: originalName)
        }
    }

    /// Moves a claim folder to `<stage>/<id>`; an id already in the spool is a
    /// duplicate (same bytes: dropped) or a conflict (kept in failed/ under a new name).
    private func place(_ claim: ClaimFolder, id: String, stage: TaskStage, spec: TaskSpec? = nil,
                       reason: String = "", originalName: String) throws -> ClaimResult {
        // The one transition table: a claim leaves pending/ for generating-data/ or failed/.
        guard TaskStage.pending.canMove(to: stage) else { throw TaskTransitionError(taskID: id, from: .pending, to: stage) }
        var busyTries = 0
        while true {
            if let existing = layout.locate(id) {
                let mine = try AtomicFile.read("task.json", in: claim.fd, limit: Int.max)
                let theirs = try? readTaskJSON(stage: existing, id: id)
                if let mine, mine == theirs {
                    logger.info("[Task \(id)] pending/\(originalName) is identical to \(existing.rawValue)/\(id): removed the duplicate")
                    claim.discard()
                    return .duplicate(id: id, existing: existing)
                }
                let newID = freeDuplicateID(id)
                let message = "task id '\(id)' is already used by \(existing.rawValue)/\(id) with different content; this file was kept as failed/\(newID)/task.json. \(IDRule.text) Give it another task_id and submit it again"
                try claim.writeReport(RejectionReport(taskID: newID, file: originalName, message: message, issues: [
                    .init(path: "task_id", expected: "an id not already in the spool", got: id),
                ]))
                try claim.move(to: layout.folder(.failed), as: newID)
                logger.error("[Task \(id)] \(message)")
                return .rejected(id: newID, reason: message)
            }
            // A task to work on needs its lease before it appears in its status folder.
            var lease: (any OwnershipToken)?
            if stage != .failed {
                lease = try layout.ownership.acquire(.task(id))
                if lease == nil {
                    // Another processor holds this id (a claim of the same id moving in): judge again.
                    busyTries += 1
                    guard busyTries < 100 else { throw SystemError("lease", path: "task \(id)", errno: EBUSY) }
                    usleep(50_000)
                    continue
                }
            }
            do {
                try claim.move(to: layout.folder(stage), as: id)
            } catch let e as SystemError where e.errno == EEXIST || e.errno == ENOTEMPTY {
                lease?.release()
                continue // raced with another claim of the same id: judge again
            } catch {
                lease?.release()
                throw error
            }
            guard let lease else {
                logger.error("[Task \(id)] rejected: \(reason)")
                return .rejected(id: id, reason: reason)
            }
            let folder = claim.adopt(taskID: id, stage: stage, token: lease)
            logger.info("[Task \(id)] claimed pending/\(originalName)")
            return .claimed(folder, spec!)
        }
    }

    private func readTaskJSON(stage: TaskStage, id: String) throws -> [UInt8]? {
        try Sys.withOpen(layout.taskPath(stage, id), O_RDONLY | O_DIRECTORY | O_NOFOLLOW) {
            try AtomicFile.read("task.json", in: $0, limit: Int.max)
        }
    }

    /// `<id>.dup-<n>`, the first free one; the id is shortened so the result
    /// is still a valid id (at most 100 characters) that `status` and `retry` accept.
    private func freeDuplicateID(_ id: String) -> String {
        var n = 1
        func candidate() -> String {
            let suffix = ".dup-\(n)"
            return String(id.prefix(100 - suffix.count)) + suffix
        }
        while layout.locate(candidate()) != nil { n += 1 }
        return candidate()
    }

    /// Claims a regular file we refuse without reading (too large,
    /// unreadable): it is kept, byte for byte, in failed/<id>/task.json.
    private func claimAndReject(_ name: String, pendingfd: Int32, message: String) throws -> ClaimResult {
        let claim = try ClaimFolder.make(layout: layout, originalName: name)
        let id = TaskID.derive(fromFileName: name)
        do {
            try Sys.renameIntoOwnFolder(pendingfd, name, claim.fd, "task.json")
        } catch let e as SystemError where e.errno == ENOENT {
            claim.discard()
            return .skipped
        }
        return try stranded(claim) {
            try claim.writeReport(RejectionReport(taskID: id, file: name, message: message, issues: []))
            return try place(claim, id: id, stage: .failed, reason: message, originalName: name)
        }
    }

    /// An entry that is not a regular file. A symlink is removed, never
    /// followed; a FIFO, socket, device or folder is moved aside unopened.
    private func rejectEntry(_ name: String, pendingfd: Int32, kind: mode_t) throws -> ClaimResult {
        let what: String
        switch kind {
        case S_IFLNK: what = "a symbolic link; links are never followed"
        case S_IFDIR: what = "a directory, not a file"
        case S_IFIFO: what = "a FIFO (named pipe), not a file"
        case S_IFSOCK: what = "a socket, not a file"
        default: what = "a device or other special file, not a regular file"
        }
        let claim = try ClaimFolder.make(layout: layout, originalName: name)
        let id = TaskID.derive(fromFileName: name)
        do {
            if kind == S_IFLNK {
                // Unlink, don't move: no link to outside the spool stays in it.
                try Sys.unlinkat(pendingfd, name, missingOK: false)
            } else {
                try Sys.renameIntoOwnFolder(pendingfd, name, claim.fd, "rejected-entry")
            }
        } catch let e as SystemError where e.errno == ENOENT {
            claim.discard()
            return .skipped
        }
        let message = "pending/\(name) is \(what); drop a regular JSON file instead"
        return try stranded(claim) {
            try claim.writeReport(RejectionReport(taskID: id, file: name, message: message, issues: []))
            return try place(claim, id: id, stage: .failed, reason: message, originalName: name)
        }
    }

    /// Finishes claims whose processor died between the two renames, or
    /// whose processor could not move them on (a status folder it could not
    /// write), and removes stale staging files of `submit`. Called at start
    /// and at every rescan.
    /// - Returns: the claims that still cannot be moved on, each saying why.
    @discardableResult
    public func recoverClaims() -> [StrandedClaim] {
        var stuck: [StrandedClaim] = []
        for name in (try? Sys.listDirectory(layout.tmp)) ?? [] {
            if name.hasPrefix("claim-") {
                guard let claim = try? ClaimFolder.reopen(layout: layout, name: name) else { continue }
                if claim.isEmpty {
                    claim.discard()
                    continue
                }
                // A claimed task lands in generating-data and is let go at
                // once: the orphan scan picks it up like any other.
                do {
                    _ = try stranded(claim) {
                        try claim.detachLinked(limit: maxTaskBytes)
                        return try settle(claim, originalName: claim.originalName)
                    }
                    logger.notice("recovered the claim of pending/\(claim.originalName) from tmp/\(name)/")
                } catch let e as StrandedClaim {
                    stuck.append(e)
                } catch {
                    stuck.append(StrandedClaim(file: claim.originalName, folder: name, underlying: "\(error)"))
                }
            } else if name.hasPrefix("submit-") {
                if let st = try? Sys.lstatat(AT_FDCWD, layout.tmp + "/" + name),
                   Date().timeIntervalSince1970 - Double(st.st_mtim.tv_sec) > 600 {
                    try? Sys.unlinkat(AT_FDCWD, layout.tmp + "/" + name)
                }
            }
        }
        return stuck
    }
}

/// A file taken out of pending/ into `tmp/<folder>/` that could not be moved
/// on to its status folder. Nothing is lost: it stays there, and every rescan
/// (and every processor's start) tries again.
public struct StrandedClaim: Error, CustomStringConvertible, Sendable {
    /// The file's name in pending/.
    public var file: String
    /// `claim-<uuid>`, in tmp/.
    public var folder: String
    public var underlying: String

    public var description: String {
        "pending/\(file) was claimed into tmp/\(folder)/ but cannot be moved on: \(underlying); it stays there and is tried again at every rescan (`avatar-spool status` lists it)"
    }
}
