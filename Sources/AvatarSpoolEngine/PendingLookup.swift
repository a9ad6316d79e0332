import AvatarDomain
import AvatarSystem
import AvatarTask

/// A file in pending/ and the task it would become.
public struct PendingTask: Sendable {
    /// The name in pending/.
    public var name: String
    public var id: String
    public var admission: Admission
}

extension SpoolLayout {
    /// The file in pending/ that would become task `id`, if any: its
    /// `task_id`, else the id derived from its name, as the claim decides.
    /// Reads each candidate (at most `limit` bytes; links not followed, FIFOs
    /// not waited on), so `submit`, `status` and `retry` see what the
    /// processor will see.
    public func pendingTask(_ id: String, admit: Admit, limit: Int = 1 << 20) -> PendingTask? {
        guard let pendingfd = try? Sys.openOwned(folder(.pending), O_RDONLY | O_DIRECTORY) else { return nil }
        for name in ((try? Sys.listDirectory(folder(.pending))) ?? []).filter(PendingName.isCandidate).sorted() {
            guard let fd = try? Sys.openOwned(pendingfd.raw, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK) else { continue }
            guard let st = try? Sys.fstat(fd.raw), (st.st_mode & S_IFMT) == S_IFREG,
                  let bytes = try? Sys.readAll(fd.raw, limit: limit) else { continue }
            let admission = admit(bytes, name)
            let found: String
            switch admission {
            case .valid(let spec): found = spec.taskID
            case .invalid(let explicit, _, _, _): found = explicit ?? TaskID.derive(fromFileName: name)
            }
            if found == id { return PendingTask(name: name, id: found, admission: admission) }
        }
        return nil
    }
}
