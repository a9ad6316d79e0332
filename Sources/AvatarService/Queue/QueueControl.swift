import AvatarDomain
import AvatarSpoolEngine
import AvatarSystem
import AvatarTask
import Foundation

/// hold, release and cancel through the file system only, safe beside
/// running processors: every move is one rename(2) that never replaces
/// (exactly one of a claim and a hold wins), a waiting task is moved only
/// while its lock is held, and a running task gets a `control.json` that its
/// processor acts on. Blocking: call from the I/O pool.
public struct QueueControl: Sendable {
    public let layout: SpoolLayout

    public init(layout: SpoolLayout) {
        self.layout = layout
    }

    public var holdFolder: String { layout.root + "/hold" }

    /// Where a task id is now.
    public enum Location: Sendable, Equatable {
        case pendingFile(String)
        case heldFile(String)
        case folder(TaskStage)
        case heldFolder
    }

    /// - Throws: `QueueControlError` for an id that is not one (`../x`) or is nowhere.
    public func locate(_ id: String) throws -> Location {
        guard TaskID.isValid(id) else {
            throw QueueControlError(id, "is not a task id (1-100 letters, digits, '.', '_', '-', starting with a letter or digit; never a path)")
        }
        // A task between two folders (a claim renames the file into a private
        // folder, then that folder into generating-data/) is found again a moment later.
        for attempt in 0..<3 {
            if attempt > 0 { usleep(100_000) }
            if let stage = layout.locate(id) { return .folder(stage) }
            if Self.isDirectory(holdFolder + "/" + id) { return .heldFolder }
            if let name = Self.file(for: id, in: layout.folder(.pending)) { return .pendingFile(name) }
            if let name = Self.file(for: id, in: holdFolder) { return .heldFile(name) }
        }
        throw QueueControlError(id, "no such task in \(layout.root) (see `avatar-spool status`)")
    }

    // MARK: hold

    /// Holds a pending file or a waiting task at once; asks the processor of
    /// a running one to hold it at its next step boundary.
    public func hold(_ id: String) throws -> QueueControlOutcome {
        switch try locate(id) {
        case .heldFile, .heldFolder:
            throw QueueControlError(id, "is already held (`avatar-spool release \(id)` puts it back)")
        case .folder(let stage) where stage.isTerminal:
            throw QueueControlError(id, "is already \(stage.rawValue); there is nothing to hold")
        case .pendingFile(let name):
            try makeHoldFolder()
            try move(layout.folder(.pending), name, to: holdFolder, name, id: id)
            return .moved(from: "pending", to: "hold")
        case .folder(let stage):
            if let folder = try TaskFolder.lock(layout: layout, stage: stage, id: id) {
                try makeHoldFolder()
                try folder.writeSync(HoldRecord.fileName, Self.encode(HoldRecord(from: stage.rawValue)))
                try folder.remove(ControlRequest.fileName)
                try move(layout.folder(stage), id, to: holdFolder, id, id: id)
                return .moved(from: stage.rawValue, to: "hold")
            }
            return try request(.hold, reason: nil, id: id, stage: stage)
        }
    }

    // MARK: release

    /// Puts a held task back where it was held from; withdraws a hold not yet acted on.
    public func release(_ id: String) throws -> QueueControlOutcome {
        switch try locate(id) {
        case .heldFile(let name):
            try move(holdFolder, name, to: layout.folder(.pending), name, id: id)
            return .moved(from: "hold", to: "pending")
        case .heldFolder:
            let path = holdFolder + "/" + id
            let record = (try? AtomicFile.read(path + "/" + HoldRecord.fileName, in: AT_FDCWD, limit: 1 << 16))
                .flatMap { $0 }.flatMap { try? JSONDecoder().decode(HoldRecord.self, from: Data($0)) }
            let back = record.flatMap { TaskStage(rawValue: $0.from) }.flatMap { $0.isTerminal || $0 == .pending ? nil : $0 }
                ?? .dataGenerated
            try move(holdFolder, id, to: layout.folder(back), id, id: id)
            try? Sys.unlinkat(AT_FDCWD, layout.taskPath(back, id) + "/" + HoldRecord.fileName)
            return .moved(from: "hold", to: back.rawValue)
        case .folder(let stage) where !stage.isTerminal && pendingRequest(id, stage: stage)?.action == .hold:
            try Sys.unlinkat(AT_FDCWD, layout.taskPath(stage, id) + "/" + ControlRequest.fileName)
            return .withdrawn(in: stage.rawValue)
        case .folder(let stage):
            throw QueueControlError(id, "is not held (it is in \(stage.rawValue)/)")
        case .pendingFile:
            throw QueueControlError(id, "is not held (it is waiting in pending/)")
        }
    }

    // MARK: cancel

    /// Fails a task now: pending, held or waiting ones are moved to failed/
    /// with a `CancelReport` in error.json; a running one is stopped by its
    /// processor at once (in-flight transfers aborted), which does the same.
    public func cancel(_ id: String, reason: String?) throws -> QueueControlOutcome {
        switch try locate(id) {
        case .folder(let stage) where stage.isTerminal:
            throw QueueControlError(id, "is already \(stage.rawValue); there is nothing to cancel")
        case .pendingFile(let name):
            try cancelFile(id, name: name, in: layout.folder(.pending), from: "pending", reason: reason)
            return .moved(from: "pending", to: "failed")
        case .heldFile(let name):
            try cancelFile(id, name: name, in: holdFolder, from: "hold", reason: reason)
            return .moved(from: "hold", to: "failed")
        case .heldFolder:
            let path = holdFolder + "/" + id
            try AtomicFile.write(CancelReport(taskID: id, reason: reason, from: "hold").json(), toPath: path + "/error.json")
            try? Sys.unlinkat(AT_FDCWD, path + "/" + HoldRecord.fileName)
            try move(holdFolder, id, to: layout.folder(.failed), id, id: id)
            return .moved(from: "hold", to: "failed")
        case .folder(let stage):
            if let folder = try TaskFolder.lock(layout: layout, stage: stage, id: id) {
                try folder.writeSync("error.json", CancelReport(taskID: id, reason: reason, from: stage.rawValue).json())
                try folder.remove(ControlRequest.fileName)
                try folder.transitionSync(to: .failed)
                return .moved(from: stage.rawValue, to: "failed")
            }
            return try request(.cancel, reason: reason, id: id, stage: stage)
        }
    }

    /// The request a processor has not acted on yet, if any.
    public func pendingRequest(_ id: String, stage: TaskStage) -> ControlRequest? {
        let path = layout.taskPath(stage, id) + "/" + ControlRequest.fileName
        guard let bytes = try? AtomicFile.read(path, in: AT_FDCWD, limit: 1 << 16) else { return nil }
        return try? JSONDecoder().decode(ControlRequest.self, from: Data(bytes))
    }

    // MARK: helpers

    /// Leaves `control.json` in a running task's folder, through a descriptor
    /// of the folder (it lands there even if the folder moves meanwhile); a
    /// task that finished meanwhile is reported, and the request removed.
    private func request(_ action: ControlRequest.Action, reason: String?, id: String, stage: TaskStage) throws -> QueueControlOutcome {
        let path = layout.taskPath(stage, id)
        let folder: OwnedFD
        do {
            folder = try Sys.openOwned(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW)
        } catch {
            throw QueueControlError(id, "moved while being \(action == .hold ? "held" : "cancelled"); look again with `avatar-spool status \(id)`")
        }
        try AtomicFile.write(Self.encode(ControlRequest(action: action, reason: reason)), to: ControlRequest.fileName, in: folder.raw, dirPath: path)
        if let now = layout.locate(id), now.isTerminal {
            try? Sys.unlinkat(folder.raw, ControlRequest.fileName)
            throw QueueControlError(id, "finished (\(now.rawValue)) before the request reached it; nothing changed")
        }
        return .requested(in: stage.rawValue)
    }

    /// A pending or held file: into a private folder (one rename: exactly
    /// one of this and a claim wins), task.json and error.json beside it,
    /// then that folder into failed/.
    private func cancelFile(_ id: String, name: String, in folder: String, from: String, reason: String?) throws {
        let staging = layout.tmp + "/cancel-" + UUID().uuidString.lowercased()
        try Sys.mkdirat(AT_FDCWD, staging, 0o777)
        do {
            try move(folder, name, to: staging, "task.json", id: id)
        } catch {
            try? Sys.unlinkat(AT_FDCWD, staging, directory: true)
            throw error
        }
        try AtomicFile.write(CancelReport(taskID: id, reason: reason, from: from).json(), toPath: staging + "/error.json")
        var target = id
        var n = 1
        while Self.isDirectory(layout.taskPath(.failed, target)) {
            n += 1
            target = "\(id).cancelled-\(n)"
        }
        try move(layout.tmp, (staging as NSString).lastPathComponent, to: layout.folder(.failed), target, id: id)
    }

    /// One renameat2(RENAME_NOREPLACE), then fsync of both folders.
    private func move(_ fromFolder: String, _ fromName: String, to toFolder: String, _ toName: String, id: String) throws {
        let a = try Sys.openOwned(fromFolder, O_RDONLY | O_DIRECTORY)
        let b = try Sys.openOwned(toFolder, O_RDONLY | O_DIRECTORY)
        do {
            try Sys.renameNoReplace(a.raw, fromName, b.raw, toName)
        } catch let e as SystemError where e.errno == ENOENT {
            throw QueueControlError(id, "moved by a processor at the same moment; nothing changed (try again)")
        } catch let e as SystemError where e.errno == EEXIST {
            throw QueueControlError(id, "\(toFolder)/\(toName) exists already; nothing changed")
        }
        try Sys.fsync(b.raw, path: toFolder)
        try Sys.fsync(a.raw, path: fromFolder)
    }

    private func makeHoldFolder() throws {
        do { try Sys.mkdirat(AT_FDCWD, holdFolder) } catch let e as SystemError where e.errno == EEXIST {}
    }

    static func isDirectory(_ path: String) -> Bool {
        guard let st = try? Sys.lstat(path) else { return false }
        return (st.st_mode & S_IFMT) == S_IFDIR
    }

    /// The task file for `id` in `folder`: `<id>.json`, or a file whose
    /// `task_id` (or derived name) is `id`.
    static func file(for id: String, in folder: String) -> String? {
        let names = ((try? Sys.listDirectory(folder)) ?? []).filter(PendingName.isCandidate).sorted()
        for name in names {
            // The claimer's rule: `task_id` from the file, else the file name.
            let bytes = try? AtomicFile.read(folder + "/" + name, in: AT_FDCWD, limit: 1 << 20)
            let object = bytes.flatMap { try? JSONSerialization.jsonObject(with: Data($0)) as? [String: Any] }
            let fileID = (object?["task_id"] as? String) ?? TaskID.derive(fromFileName: name)
            if fileID == id { return name }
        }
        return nil
    }

    static func encode<T: Encodable>(_ value: T) -> [UInt8] {
        return (try? JSONCoding.fileBytes(value)) ?? []
    }
}

extension QueueControl {
    /// Moves a task whose lock the caller holds (its processor, after a
    /// hold request) into hold/, recording where it was.
    public func holdLocked(_ folder: TaskFolder) throws {
        let stage = folder.stage
        try makeHoldFolder()
        try folder.writeSync(HoldRecord.fileName, Self.encode(HoldRecord(from: stage.rawValue)))
        try folder.remove(ControlRequest.fileName)
        try move(layout.folder(stage), folder.taskID, to: holdFolder, folder.taskID, id: folder.taskID)
    }

    /// Fails a task whose lock the caller holds (its processor, after a
    /// cancel request): error.json says cancelled, when and why.
    public func cancelLocked(_ folder: TaskFolder, reason: String?) throws {
        let from = folder.stage
        try folder.writeSync("error.json", CancelReport(taskID: folder.taskID, reason: reason, from: from.rawValue).json())
        try folder.remove(ControlRequest.fileName)
        if from != .failed { try folder.transitionSync(to: .failed) }
    }

    /// The request in a task folder the caller holds, if any.
    public static func request(in folder: TaskFolder) -> ControlRequest? {
        guard folder.exists(ControlRequest.fileName),
              let bytes = try? folder.readSync(ControlRequest.fileName, limit: 1 << 16) else { return nil }
        return try? JSONDecoder().decode(ControlRequest.self, from: Data(bytes))
    }
}
