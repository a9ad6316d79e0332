import AvatarSpoolEngine
import AvatarSystem
import AvatarTask
import Foundation

/// `submit`: validates a file and places it in pending/ atomically (write
/// into tmp/, fsync, rename), so a processor never sees half of it.
public struct Submitter: Sendable {
    public let layout: SpoolLayout
    public let admit: Admit

    public init(layout: SpoolLayout, admit: @escaping Admit) {
        self.layout = layout
        self.admit = admit
    }

    /// Reads and checks `path` without submitting anything.
    /// - Returns: the task id it would get.
    /// - Throws: `SubmitError` with every reason the file is invalid.
    public func check(_ path: String) throws -> (id: String, bytes: [UInt8]) {
        let name = URL(fileURLWithPath: path).lastPathComponent
        let bytes: [UInt8]
        do {
            guard let read = try AtomicFile.read(path, in: AT_FDCWD, limit: 1 << 20) else {
                throw SubmitError(file: path, reasons: ["no such file"])
            }
            bytes = read
        } catch let e as SystemError {
            let why = e.errno == EFBIG ? "larger than 1 MiB, the most a task file may have"
                : e.errno == ELOOP ? "a symbolic link; pass the file itself" : e.description
            throw SubmitError(file: path, reasons: [why])
        }
        switch admit(bytes, name) {
        case .valid(let spec):
            return (spec.taskID, bytes)
        case .invalid(_, let message, let issues, _):
            let reasons = issues.isEmpty ? [message] : issues.map(\.description)
            throw SubmitError(file: path, reasons: reasons)
        }
    }

    /// Submits `path`. - Returns: the task id.
    /// - Throws: `SubmitError` for an invalid file, or an id already used:
    ///   an id names one task for the life of the spool (`IDRule`).
    public func submit(_ path: String) throws -> String {
        let (id, bytes) = try check(path)
        if let stage = layout.locate(id) {
            let theirs = try? AtomicFile.read(layout.taskPath(stage, id) + "/task.json", in: AT_FDCWD, limit: 1 << 20)
            let same = theirs.flatMap { $0 } == bytes
            throw SubmitError(file: path, reasons: [
                "task id '\(id)' is already used by \(stage.rawValue)/\(id)"
                    + (same ? " (the same file: nothing submitted)" : " with other content") + ". "
                    + IDRule.text + " Give this file another task_id"
                    + (stage.isTerminal ? ", or run `avatar-spool retry \(id)` to redo what failed in the old one." : "."),
            ], headline: "not submitted")
        }
        if let waiting = layout.pendingTask(id, admit: admit) {
            throw SubmitError(file: path, reasons: [
                "task id '\(id)' is already waiting in pending/\(waiting.name). \(IDRule.text) Give this file another task_id.",
            ], headline: "not submitted")
        }
        try layout.create()
        var name = URL(fileURLWithPath: path).lastPathComponent
        if !PendingName.isCandidate(name) { name = id + ".json" }
        let tmp = try Sys.openOwned(layout.tmp, O_RDONLY | O_DIRECTORY)
        let tmpfd = tmp.raw
        let pending = try Sys.openOwned(layout.folder(.pending), O_RDONLY | O_DIRECTORY)
        let pendingfd = pending.raw
        let temp = "submit-\(UUID().uuidString.lowercased())-\(name)"
        let file = try Sys.openOwned(tmpfd, temp, O_WRONLY | O_CREAT | O_EXCL)
        do {
            try bytes.withUnsafeBytes { try Sys.writeAll(file.raw, $0, path: temp) }
            try Sys.fsync(file.raw, path: temp)
            file.close()
            try Sys.renameNoReplace(tmpfd, temp, pendingfd, name)
        } catch {
            try? Sys.unlinkat(tmpfd, temp)
            if let e = error as? SystemError, e.errno == EEXIST {
                throw SubmitError(file: path, reasons: ["pending/\(name) already exists; rename the file or wait until it is claimed"])
            }
            throw error
        }
        try Sys.fsync(pendingfd, path: layout.folder(.pending))
        return id
    }
}

/// Why a file cannot be submitted: one reason per line.
public struct SubmitError: Error, CustomStringConvertible {
    public var file: String
    public var reasons: [String]
    public var headline = "invalid task file"
    public var description: String {
        "\(file): \(headline)\n" + reasons.map { "  - " + $0 }.joined(separator: "\n")
    }
}
