import CSyscalls

extension Sys {
    /// A pipe whose ends both close on exec.
    /// - Throws: `SystemError` from pipe2.
    public static func pipe() throws -> (read: Int32, write: Int32) {
        var fds: [Int32] = [-1, -1]
        guard cs_pipe_cloexec(&fds) == 0 else { throw SystemError("pipe2") }
        return (fds[0], fds[1])
    }

    /// Whether another open file holds an exclusive flock on `path` (a task
    /// folder's `.lock`: a live processor). Probes with a shared lock that
    /// is dropped at once; false when the file is missing.
    public static func isLockedElsewhere(_ path: String) -> Bool {
        guard let file = try? openOwned(path, O_RDONLY | O_NOFOLLOW) else { return false }
        let r = retrying { cs_flock(file.raw, LOCK_SH | LOCK_NB) }
        if r == 0 {
            _ = cs_flock(file.raw, LOCK_UN)
            return false
        }
        return errno == EWOULDBLOCK
    }
}
