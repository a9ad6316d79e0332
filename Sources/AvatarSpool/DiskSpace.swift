import AvatarDomain
import AvatarSystem

/// Whether an error is the file system running out of room (ENOSPC, EDQUOT):
/// such a task is paused, not failed, since nothing is wrong with it.
enum DiskSpace {
    static func isFull(_ error: Error) -> Bool {
        if let e = error as? SystemError { return e.errno == ENOSPC || e.errno == EDQUOT }
        // A store or another layer may have wrapped the system error in its message.
        let text = "\(error)"
        return text.contains(String(cString: strerror(ENOSPC))) || text.contains(String(cString: strerror(EDQUOT)))
    }
}
